using JwtIssuer.Configuration;
using JwtIssuer.Diagnostics;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace JwtIssuer.Server.Audit;

internal static class AuditSetup
{
    /// <summary>
    /// The audit trail in the database (<c>Audit:Retention</c>): the token endpoint's events through
    /// <see cref="StoredTokenAudit"/>, sign-ins, sign-outs and changes to users through <see cref="AuditLog"/>, pruned
    /// by <see cref="AuditRetention"/>.
    /// </summary>
    public static IHostApplicationBuilder AddAudit(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSettings<AuditOptions, AuditOptionsValidator>(builder.Configuration, AuditOptions.SectionName);
        builder.Services.AddSingleton<AuditLog>();
        builder.Services.Replace(ServiceDescriptor.Singleton<TokenAudit, StoredTokenAudit>());
        builder.Services.AddSingleton<AuditRetention>();
        builder.Services.AddHostedService(services => services.GetRequiredService<AuditRetention>());
        return builder;
    }
}
