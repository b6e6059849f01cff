namespace Upstander.Platform.Web;

/// <summary>A section with nothing in it yet, and a sentence on what will appear there.</summary>
public sealed record EmptyState(string Id, string Title, string Explanation, string? LinkText = null, string? LinkHref = null);
