namespace Upstander.Features.People;

/// <summary>One labelled input of the person form, with its hint and errors (already localised by the page).</summary>
public sealed record PersonFieldView(
    string Field, string Property, string Label, string? Value, int MaxLength, bool Required = false, string Type = "text",
    string? Hint = null, IReadOnlyList<string>? Errors = null)
{
    public string? HintId => Hint is null ? null : "hint-" + Field;
}
