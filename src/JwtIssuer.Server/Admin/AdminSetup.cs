using JwtIssuer.Configuration;
using JwtIssuer.Server.Security;
using JwtIssuer.Server.SignIn.PasswordLinks;
using Microsoft.AspNetCore.Mvc.RazorPages;
using NetEscapades.AspNetCore.SecurityHeaders;

namespace JwtIssuer.Server.Admin;

internal static class AdminSetup
{
    /// <summary>The folder of the admin pages, which the gate and the never-framed policy cover as a whole.</summary>
    public const string PagesFolder = "/Admin";

    /// <summary>
    /// The admin area (<c>Admin:*</c>): every page under <see cref="PagesFolder"/> behind <see cref="AdminGate"/> and
    /// never framed, whatever page is added there later; and the one-time set-password links it hands out.
    /// </summary>
    public static IHostApplicationBuilder AddAdmin(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSettings<AdminOptions, AdminOptionsValidator>(builder.Configuration, AdminOptions.SectionName);
        builder.Services.AddScoped<AdminGate>();
        builder.Services.AddScoped<SetPasswordLinks>();
        builder.Services.Configure<RazorPagesOptions>(options => options.Conventions.AddFolderApplicationModelConvention(PagesFolder, model =>
        {
            model.Filters.Add(new Microsoft.AspNetCore.Mvc.ServiceFilterAttribute(typeof(AdminGate)));
            model.EndpointMetadata.Add(new SecurityHeadersPolicyAttribute(SecurityHeadersSetup.AdminPolicy));
        }));
        return builder;
    }
}
