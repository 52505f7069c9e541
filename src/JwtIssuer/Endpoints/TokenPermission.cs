using JwtIssuer.Access;
using JwtIssuer.Configuration;
using JwtIssuer.Tokens;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace JwtIssuer.Endpoints;

/// <summary>Why a signed-in (or not) browser gets no token for a consumer.</summary>
internal enum TokenRefusal
{
    None,

    /// <summary>No session: sign in first.</summary>
    SignIn,

    /// <summary>The access policy found the session stale: sign in again.</summary>
    SignInAgain,

    /// <summary>The session has no email or user id to send on.</summary>
    NoSubject,

    /// <summary>The access policy refused the user.</summary>
    Denied,
}

/// <summary>
/// Whether the request's user may have a token for a consumer, and for whom: the check every entry point shares
/// (<c>/api/jwt</c>, and <c>/sso/{consumer}</c> of the other products), so none can drift from the others. Reads the
/// subject from the principal, then asks the host's <see cref="ITokenAccessPolicy"/> (scoped: it may read the
/// request's database context, so it comes from the request).
/// </summary>
internal readonly record struct TokenPermission(TokenSubject? Subject, IReadOnlyDictionary<string, string>? Claims, TokenRefusal Refusal, string? Message)
{
    public static async ValueTask<TokenPermission> CheckAsync(HttpContext context, UserClaimOptions? claims, string consumer)
    {
        if (context.User.Identity?.IsAuthenticated != true)
        {
            return new(null, null, TokenRefusal.SignIn, null);
        }

        var subject = TokenSubject.FromPrincipal(context.User, claims);
        if (subject is null)
        {
            return new(null, null, TokenRefusal.NoSubject,
                "Your account has no email address or user id this application can send on. Ask your administrator.");
        }

        var access = await context.RequestServices.GetRequiredService<ITokenAccessPolicy>()
            .CheckAsync(new TokenRequest(context.User, subject, consumer), context.RequestAborted);
        return access.Kind switch
        {
            TokenAccessKind.SignInAgain => new(null, null, TokenRefusal.SignInAgain, null),
            TokenAccessKind.Deny => new(null, null, TokenRefusal.Denied,
                access.Message ?? "Your account may not sign in to this application right now. Ask your administrator."),
            _ => new(subject, access.Claims, TokenRefusal.None, null),
        };
    }
}
