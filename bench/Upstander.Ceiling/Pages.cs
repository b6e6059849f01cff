namespace Upstander.Ceiling;

/// <summary>Markup of the same shape and about the same size as Upstander's pages, without Razor.</summary>
internal static class Pages
{
    private static string Head(string title) =>
        $$"""
        <!doctype html>
        <html lang="en">
        <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="referrer" content="no-referrer">
            <title>{{title}} · Upstander</title>
            <link rel="stylesheet" href="/css/site.css?v=Jr8ETqZ2iK5e4oGm0hAG0eIH7tPnNT1CVt2dT6PXQy4">
        </head>
        <body>
            <a class="skip-link" href="#main">Skip to main content</a>
        """;

    private const string Foot =
        """
            <footer class="site-footer">
                <p>Upstander keeps what you write encrypted, and records who reads it. <a href="/privacy">How your information is handled</a></p>
            </footer>
        </body>
        </html>
        """;

    public static readonly string SignIn = Head("Sign in") +
        """
            <header class="site-header">
                <div class="bar">
                    <a class="brand" href="/">Upstander</a>
                </div>
            </header>
            <main id="main" class="page" tabindex="-1">
        <div class="narrow">
        <h1>Sign in</h1>
        <form method="post" class="stack">
            <input type="hidden" id="ReturnUrl" name="ReturnUrl" value="" />
            <div class="field">
                <label for="Email">Work email</label>
                <input type="email" autocomplete="username webauthn" required data-val="true" data-val-email="The Email field is not a valid e-mail address." data-val-length="The field Email must be a string with a maximum length of 254." data-val-length-max="254" data-val-required="The Email field is required." id="Email" maxlength="254" name="Email" value="" />
            </div>
            <div class="field">
                <label for="Password">Password</label>
                <input type="password" autocomplete="current-password" required data-val="true" data-val-length="The field Password must be a string with a maximum length of 1000." data-val-length-max="1000" data-val-required="The Password field is required." id="Password" maxlength="1000" name="Password" />
            </div>
            <button type="submit" class="button primary">Sign in</button>
        <input name="__RequestVerificationToken" type="hidden" value="CfDJ8LtvtACtNhBKu8WZCIGzDlMjaV6S7uSJC90vOeKg-MWCak8q6SSRN5BVRP4A4IzrI7NppfYiLzsEkvu44c5g1goV8f4lTpjdWuoNjxO4zbbA00VwYF8dTzFDfxBbY1r8uCMyGKlOVn0P58V03a-kN_0" /></form>
        <div class="passkey-sign-in" data-passkey-sign-in hidden>
            <p>Or use a passkey saved on this device.</p>
            <button type="button" class="button" data-passkey-sign-in-button>Sign in with a passkey</button>
        </div>
        <p class="hint">New here? Your administrator sends you an invitation link to set up your account.</p>
        </div>
            </main>
        """ + Foot;

    /// <summary>The home page; <paramref name="support"/> is the "Your support and reports" list, already encoded.</summary>
    public static string Home(string encodedFirstName, string support) => Head("Home") +
        $$"""
            <header class="site-header">
                <div class="bar">
                    <a class="brand" href="/">Upstander</a>
                    <nav aria-label="Main">
                        <ul class="nav">
                            <li><a href="/">Home</a></li>
                            <li><a href="/account">Your account</a></li>
                        </ul>
                    </nav>
                    <form method="post" action="/account/sign-out" class="sign-out">
                        <button type="submit" class="link-button">Sign out</button>
                    <input name="__RequestVerificationToken" type="hidden" value="CfDJ8LtvtACtNhBKu8WZCIGzDlPXXH3V5Ohen2KQ23mFgmg0hFcLdSzF23JSxAqvbp1po9_uCklhrPnZghm6o1ze3JFwcGWq6js-y1xc2nBRfdyEQXQn4FBDexkOvlymezHrPI13Nc0h1KOcuixP1dy" /></form>
                </div>
            </header>
            <main id="main" class="page" tabindex="-1">
        <h1>Hello, {{encodedFirstName}}</h1>
        <p class="lead">This is your Upstander home. What you see here depends on the roles you hold: Employee.</p>
        <section class="card" aria-labelledby="employee">
            <h2 id="employee">Your support and reports</h2>
            <ul class="summary-list">{{support}}</ul>
            <ul class="link-list">
                <li><a href="/support/requests">Your requests and where they stand</a></li>
                <li><a href="/speak-up/reports">Your reports</a></li>
                <li><a href="/support/resources">Support services and helplines</a></li>
            </ul>
        </section>
            </main>
        """ + Foot;
}
