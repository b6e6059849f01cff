namespace Upstander.Platform.Web;

/// <summary>
/// The marker type for Upstander's user-facing strings. Keys are the English text; translations live
/// in Resources/Platform.Web.SharedResource.{culture}.resx, and English needs no file.
/// </summary>
public sealed class SharedResource;
