using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace EmbeddedApp;

/// <summary>The sample's own sign-in: a form, a cookie, and a home page. Nothing here knows about JwtIssuer.</summary>
public static class LoginPages
{
    public static IEndpointRouteBuilder MapLoginPages(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/login", (HttpContext context, IAntiforgery antiforgery, string? returnUrl) => Form(context, antiforgery, returnUrl, error: null));
        endpoints.MapPost("/login", SignInAsync);
        endpoints.MapGet("/", (ClaimsPrincipal user) => user.Identity?.IsAuthenticated == true
            ? Results.Content($"<p>Signed in as {HtmlEncoder.Default.Encode(user.FindFirstValue("email") ?? string.Empty)}</p>", "text/html")
            : Results.Redirect("/login"));
        return endpoints;
    }

    private static async Task<IResult> SignInAsync(
        HttpContext context, IAntiforgery antiforgery, AgentDirectory people,
        [FromForm] string? email, [FromForm] string? password, [FromForm] string? returnUrl)
    {
        if (string.IsNullOrEmpty(email) || string.IsNullOrEmpty(password) || people.Verify(email, password) is not { } person)
        {
            return Form(context, antiforgery, returnUrl, "The email or password is incorrect.");
        }

        // The claims the library reads by default (OpenID Connect names), plus the role the access policy checks.
        var identity = new ClaimsIdentity(
            [new Claim("sub", person.Email.ToUpperInvariant()), new Claim("email", person.Email), new Claim("name", person.Name),
             new Claim(AgentsOnlyPolicy.RoleClaim, person.IsAgent ? "agent" : "staff")],
            CookieAuthenticationDefaults.AuthenticationScheme);
        await context.SignInAsync(new ClaimsPrincipal(identity));
        // Only back to a local path: an absolute returnUrl would make this form an open redirect.
        return Results.LocalRedirect(RedirectHttpResult.IsLocalUrl(returnUrl) ? returnUrl! : "/");
    }

    private static IResult Form(HttpContext context, IAntiforgery antiforgery, string? returnUrl, string? error)
    {
        var encode = HtmlEncoder.Default;
        var token = antiforgery.GetAndStoreTokens(context);
        return Results.Content($"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>Sign in</title></head><body>
            <h1>Sign in to the sample app</h1>
            {(error is null ? string.Empty : $"<p role=\"alert\">{encode.Encode(error)}</p>")}
            <form method="post" action="/login">
            <input type="hidden" name="{encode.Encode(token.FormFieldName)}" value="{encode.Encode(token.RequestToken!)}">
            <input type="hidden" name="returnUrl" value="{encode.Encode(returnUrl ?? string.Empty)}">
            <label>Email <input type="email" name="email" required></label>
            <label>Password <input type="password" name="password" required></label>
            <button type="submit">Sign in</button>
            </form></body></html>
            """, "text/html; charset=utf-8");
    }
}
