using JwtIssuer.Server.Sessions;
using Microsoft.AspNetCore.Mvc.Filters;

namespace JwtIssuer.Server.Pages;

/// <summary>Headers on every page: who may frame it, what it may load, and no sniffing or referrer leaks.</summary>
internal sealed class SecurityHeadersFilter(FrameAncestors frameAncestors) : IAsyncPageFilter
{
    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        var headers = context.HttpContext.Response.Headers;
        headers.ContentSecurityPolicy = $"default-src 'self'; object-src 'none'; base-uri 'none'; {frameAncestors.ContentSecurityPolicy}";
        headers.XContentTypeOptions = "nosniff";
        // ReturnUrl carries the consumer's relayState; keep it out of Referer headers.
        headers["Referrer-Policy"] = "no-referrer";
        headers.CacheControl = "no-store";
        return next();
    }
}

/// <summary>Lets the page convention resolve the filter (and its singleton dependency) from DI.</summary>
internal sealed class SecurityHeadersFilterFactory : IFilterFactory
{
    public bool IsReusable => true;

    public IFilterMetadata CreateInstance(IServiceProvider serviceProvider) =>
        new SecurityHeadersFilter(serviceProvider.GetRequiredService<FrameAncestors>());
}
