using JwtIssuer.Configuration;
using JwtIssuer.Endpoints;
using JwtIssuer.Server.Development;
using JwtIssuer.Server.Forms;
using JwtIssuer.Server.Security;
using Microsoft.AspNetCore.Mvc;

namespace JwtIssuer.Server.Layout;

internal static class PagesSetup
{
    /// <summary>
    /// Razor Pages found in their feature folders (the login page beside the password sign-in it drives, the console page
    /// beside its settings), each with an explicit route; one layout (<c>Layout/_Layout.cshtml</c>) for every page, the
    /// library's error pages included; and every form rejected the same way when its antiforgery token fails.
    /// </summary>
    public static IHostApplicationBuilder AddPages(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSettings<BrandingOptions, BrandingOptionsValidator>(builder.Configuration, BrandingOptions.SectionName);
        builder.Services.AddSingleton<HttpsRequiredFilter>();
        builder.Services.AddRazorPages(options =>
        {
            options.RootDirectory = "/";
            // First of all filters, so it answers before antiforgery validation can throw.
            options.Conventions.ConfigureFilter(new ServiceFilterAttribute(typeof(HttpsRequiredFilter)) { IsReusable = true, Order = int.MinValue });
            options.Conventions.ConfigureFilter(new RejectedFormFilter());
            if (!builder.Environment.IsDevelopment())
            {
                // The stand-ins for Comm100 exist in Development only; anywhere else their pages have no route at all.
                options.Conventions.AddFolderRouteModelConvention(DevelopmentDefaults.PagesFolder, model => model.Selectors.Clear());
            }
        });
        builder.Services.AddSingleton<ErrorPage, LayoutErrorPage>();
        return builder;
    }
}
