using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.AspNetCore.Mvc.ViewFeatures;
using Microsoft.AspNetCore.Razor.TagHelpers;
using Microsoft.AspNetCore.WebUtilities;

namespace Upstander.Platform.Web;

/// <summary>
/// A post form that names no action posts to the address the page is shown at. After a post to one of a page's named
/// handlers (<c>?handler=Find</c>, say) that address still names that handler, so every such form on the page shown
/// in answer would post to it too: a request would be searched again instead of sent, a message checked against
/// another form's rules and lost. For those forms this writes the address without the handler (the rest of the
/// query, a <c>?required=true</c> or a return address, is kept), so a form that names no handler always reaches the
/// page's default one. Forms that name their action, or a handler or page through the form tag helper, are left alone.
/// </summary>
[HtmlTargetElement("form", Attributes = "method")]
public sealed class FormActionTagHelper : TagHelper
{
    /// <summary>After the framework's form tag helper, which writes the action of forms that name a page or handler.</summary>
    public override int Order => 1000;

    [ViewContext]
    [HtmlAttributeNotBound]
    public ViewContext ViewContext { get; set; } = default!;

    public override void Process(TagHelperContext context, TagHelperOutput output)
    {
        if (!output.Attributes.TryGetAttribute("method", out var method)
            || !string.Equals(method.Value?.ToString(), "post", StringComparison.OrdinalIgnoreCase)
            || output.Attributes.ContainsName("action"))
        {
            return;
        }
        var request = ViewContext.HttpContext.Request;
        var query = QueryHelpers.ParseQuery(request.QueryString.Value);
        if (!query.Keys.Any(IsHandler))
        {
            return;
        }
        var kept = new QueryBuilder();
        foreach (var (key, values) in query.Where(p => !IsHandler(p.Key)))
        {
            foreach (var value in values)
            {
                kept.Add(key, value ?? "");
            }
        }
        output.Attributes.SetAttribute("action", $"{request.PathBase}{request.Path}{kept}");
    }

    private static bool IsHandler(string key) => string.Equals(key, "handler", StringComparison.OrdinalIgnoreCase);
}
