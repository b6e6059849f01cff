using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Upstander.Platform.Web;

/// <summary>
/// A form post that fails validation re-renders the page with its messages, answered with 400 so
/// that programs, tests and assistive tools can tell "not accepted" from "done".
/// </summary>
public sealed class InvalidFormStatus : IAsyncPageFilter
{
    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        var executed = await next();
        if (!HttpMethods.IsGet(context.HttpContext.Request.Method)
            && executed.Result is PageResult
            && !executed.ModelState.IsValid
            && context.HttpContext.Response.StatusCode < 400)
        {
            context.HttpContext.Response.StatusCode = StatusCodes.Status400BadRequest;
        }
    }
}
