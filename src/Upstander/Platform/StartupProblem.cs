using System.Data.Common;

namespace Upstander.Platform;

/// <summary>
/// A setting or a state of the machine that an operator must put right before Upstander can run: a master key file
/// inside the data directory, a PublicUrl links cannot be built from, demo data on a public address, a database
/// migrated by a newer build. The start prints its message as one line and exits 1, without a stack trace, because
/// the message is the whole answer. The command-line verbs print it too (it is an <see cref="InvalidOperationException"/>).
/// </summary>
public sealed class StartupProblem(string message) : InvalidOperationException(message), IStartupProblem
{
    /// <summary>
    /// The one line an operator reads when the start fails for a reason they can put right, or null for a failure
    /// that is a fault in Upstander (whose stack trace is then the useful part).
    /// </summary>
    public static string? Explain(Exception failure)
    {
        for (var ex = failure; ex is not null; ex = ex.InnerException)
        {
            switch (ex)
            {
                case IStartupProblem:
                    return ex.Message;
                case IOException { InnerException: Microsoft.AspNetCore.Connections.AddressInUseException }:
                    return $"{ex.Message} Another program (perhaps Upstander already) is listening there. Stop it, or choose another address with --urls.";
                case DbException db:
                    // Unreachable, refused sign-in, or a statement the database refused (on PostgreSQL 15 and later, often
                    // an account without CREATE on the schema, so migrations cannot run): the driver's words say which.
                    return $"The database could not be opened, reached or used: {FirstLine(db.Message)}. Check Database:Provider and Database:Connection, that the database server is running, and that Upstander's database account may create tables.";
            }
        }
        return null;
    }

    // Drivers add detail on further lines (PostgreSQL: the statement's position); the first line is the reason.
    private static string FirstLine(string message) => message.Split('\n', 2)[0].Trim().TrimEnd('.');
}

/// <summary>
/// Marks an exception whose message is the whole answer for an operator at start: a setting, or content shipped beside
/// the app (the safety screen's lexicons, the instruments, the courses) that they can put right. Its message may list
/// several problems, one per line.
/// </summary>
public interface IStartupProblem;
