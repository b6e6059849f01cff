using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.AspNetCore.Razor.TagHelpers;
using Upstander.Platform.Security;
using Upstander.Platform.Web;
using Upstander.Tests.TestHost;

namespace Upstander.Tests.Platform.Web;

/// <summary>
/// A form that names no action posts to the address its page was shown at, and after a post to a named handler that
/// address names the handler: the form must reach the page's default handler all the same (<see cref="FormActionTagHelper"/>).
/// </summary>
public sealed partial class FormActionTests
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

    /// <summary>
    /// The journey that needs it: without JavaScript or with it, "Search" posts the whole request form to the Find handler, and
    /// the page shown in answer is at <c>/support/talk?handler=Find</c>. Its "Ask for support" must send the request, not search again.
    /// </summary>
    [Fact]
    public async Task After_searching_for_a_name_the_talk_page_sends_the_request()
    {
        await using var factory = new UpstanderFactory();
        var org = await factory.CreateOrganisationAsync("Form Org");
        var client = await factory.SignInAsync(org[Roles.Employee]);
        (string, string)[] request =
        [
            ("Topic", "experiencing"), ("Timing", "this-week"), ("Channel", "messages"), ("ShowName", "pseudonym"),
            ("answer-safe-now", "yes"), ("answer-self-harm", "no"), ("answer-harm-others", "no"), ("HarmSearch", "Leader"),
        ];
        var found = await client.PostFormAsync("/support/talk?handler=Find", request.ToDictionary(f => f.Item1, f => f.Item2), tokenFrom: "/support/talk");
        found.StatusCode.ShouldBe(HttpStatusCode.OK);
        var html = await found.Content.ReadAsStringAsync();

        var action = WebUtility.HtmlDecode(AskForm().Match(html).Groups["action"].Value);
        action.ShouldBe("/support/talk");
        var sent = await client.PostFormAsync(action, request.ToDictionary(f => f.Item1, f => f.Item2), tokenFrom: "/support/talk");
        sent.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        sent.Headers.Location!.OriginalString.ShouldStartWith("/support/requests/");
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

    /// <summary>The opening tag of the form whose button is "Ask for support", with its action when it has one.</summary>
    [GeneratedRegex("<form\\b(?:[^>]*\\saction=\"(?<action>[^\"]*)\")?[^>]*>(?:(?!</form>).)*Ask for support", RegexOptions.Singleline)]
    private static partial Regex AskForm();
}
