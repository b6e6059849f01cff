using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Upstander.Features.Training.Authoring;

namespace Upstander.Features.PeerSupport.Resources;

/// <summary>What the add and edit pages share: the form's input, its checking, and the 400 answer with the problems listed.</summary>
public abstract class ResourceEditorModel : PageModel
{
    [BindProperty]
    public SupportResourceInput Input { get; set; } = new();

    public List<FieldError> Errors { get; } = [];

    /// <summary>The checked details, or null after setting the 400 status and the problems to show.</summary>
    protected SupportResourceDetails? Checked()
    {
        var (details, problems) = SupportResourceRules.Check(Input);
        Errors.AddRange(problems.Select(p => new FieldError(p.Field, p.Message)));
        if (!ModelState.IsValid && Errors.Count == 0)
        {
            Errors.Add(new FieldError("name", "Nothing was saved. Please check the form and try again."));
        }
        if (Errors.Count > 0)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return null;
        }
        return details;
    }
}
