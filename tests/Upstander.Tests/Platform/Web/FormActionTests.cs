using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.AspNetCore.Razor.TagHelpers;
using Upstander.Platform.Web;
using Upstander.Tests.TestHost;

namespace Upstander.Tests.Platform.Web;

/// <summary>
/// A form that names no action posts to the address its page was shown at, and after a post to a named handler that
/// address names the handler: the form must reach the page's default handler all the same (<see cref="FormActionTagHelper"/>).
/// The journeys that need it go through the real pages with <see cref="FormTarget"/>: a search on "Talk to someone"
/// (SupportRequestTests), a message after a refused meeting suggestion (ConversationTests), the authenticator code after a
/// wrong recovery code (SignInTests).
/// </summary>
public sealed class FormActionTests
{
    [Theory]
    [InlineData("?handler=Find", "/support/talk")]
    [InlineData("?required=true&handler=Reset", "/support/talk?required=true")]
    [InlineData("?Handler=Find&returnUrl=%2Fsupport%26x", "/support/talk?returnUrl=%2Fsupport%26x")]
    public void A_post_form_without_an_action_shown_after_a_named_handler_posts_to_the_page_without_it(string query, string expected)
    {
        Render(query, ("method", "post")).ShouldBe(expected);
    }

    [Theory]
    [InlineData("", "post")]
    [InlineData("?step=2", "post")]
    [InlineData("?handler=Find", "get")]
    public void Other_forms_are_left_as_they_were(string query, string method)
    {
        Render(query, ("method", method)).ShouldBeNull();
    }

    [Fact]
    public void A_form_that_names_its_action_keeps_it()
    {
        Render("?handler=Find", ("method", "post"), ("action", "/support/talk?handler=Find")).ShouldBe("/support/talk?handler=Find");
    }

    private static string? Render(string query, params (string Name, string Value)[] attributes)
    {
        var http = new DefaultHttpContext();
        http.Request.Path = "/support/talk";
        http.Request.QueryString = new QueryString(query);
        var helper = new FormActionTagHelper { ViewContext = new ViewContext { HttpContext = http } };
        var list = new TagHelperAttributeList();
        foreach (var (name, value) in attributes)
        {
            list.Add(name, value);
        }
        var output = new TagHelperOutput("form", list, (_, _) => Task.FromResult<TagHelperContent>(new DefaultTagHelperContent()));
        helper.Process(new TagHelperContext([.. list], new Dictionary<object, object>(), "form"), output);
        return output.Attributes.TryGetAttribute("action", out var action) ? action.Value?.ToString() : null;
    }

}
