using JwtIssuer.Configuration;
using JwtIssuer.Server.Scim;
using Microsoft.AspNetCore.Mvc;

namespace JwtIssuer.Server.Admin.Scim;

/// <summary>
/// <c>/admin/scim</c>: the SCIM tenant URL to give the identity provider, and its bearer tokens, as
/// <c>jwt-issuer scim token create|list|revoke</c> manage them. A new token is shown once.
/// </summary>
public sealed class IndexModel(ScimTokens tokens) : AdminPageModel
{
    public IReadOnlyList<ScimTokenInfo> Tokens { get; private set; } = [];

    /// <summary>The tenant URL (Entra ID) or SCIM connector base URL (Okta).</summary>
    public string TenantUrl { get; private set; } = "";

    public async Task OnGetAsync() => await LoadAsync();

    public async Task<IActionResult> OnPostCreateAsync(string? name)
    {
        name = name?.Trim();
        try
        {
            ShownOnce = await tokens.CreateAsync(name ?? "", Actor, HttpContext.RequestAborted);
            Message = $"SCIM token '{name}' created. Paste it into the identity provider now: it is not shown again.";
        }
        catch (ScimTokenException ex)
        {
            Error = ex.Message;
        }

        await LoadAsync();
        var page = Page();
        page.StatusCode = Error is null ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest;
        return page;
    }

    public async Task<IActionResult> OnPostRevokeAsync(string? name)
    {
        if (name is not null && await tokens.RevokeAsync(name, Actor, HttpContext.RequestAborted))
        {
            Message = $"SCIM token '{name}' revoked: its next request gets a 401.";
        }
        else
        {
            Error = $"No SCIM token named '{name}'.";
        }

        await LoadAsync();
        return Page();
    }

    private async Task LoadAsync()
    {
        Tokens = await tokens.ListAsync(HttpContext.RequestAborted);
        var issuer = HttpContext.RequestServices.GetRequiredService<IssuerModel>().Issuer;
        TenantUrl = $"{issuer.TrimEnd('/')}{ScimEndpoints.Prefix}";
    }
}
