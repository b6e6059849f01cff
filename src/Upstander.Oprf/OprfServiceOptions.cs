namespace Upstander.Oprf;

/// <summary>
/// From the command line (or environment): --key-file (default keys/oprf.key under the content root),
/// --client-secret-file (required), and the limits: --caller-per-minute / --caller-burst for each
/// caller's token bucket, --global-per-minute / --global-burst for the one bucket all callers share.
/// </summary>
public sealed record OprfServiceOptions(string KeyFile, string ClientSecretFile, int CallerPerMinute, int CallerBurst, int GlobalPerMinute, int GlobalBurst)
{
    public static OprfServiceOptions From(IConfiguration configuration, IHostEnvironment environment)
    {
        var root = environment.ContentRootPath;
        var secret = configuration["client-secret-file"];
        if (string.IsNullOrWhiteSpace(secret))
        {
            throw new InvalidOperationException("--client-secret-file is required: the file holding the secret shared with Upstander.");
        }
        return new OprfServiceOptions(
            Path.GetFullPath(configuration["key-file"] ?? Path.Combine("keys", "oprf.key"), root),
            Path.GetFullPath(secret, root),
            configuration.GetValue("caller-per-minute", 20),
            configuration.GetValue("caller-burst", 20),
            configuration.GetValue("global-per-minute", 600),
            configuration.GetValue("global-burst", 200));
    }
}

/// <summary>The secret shared with Upstander, read once at start.</summary>
public sealed record ClientSecret(byte[] Value);
