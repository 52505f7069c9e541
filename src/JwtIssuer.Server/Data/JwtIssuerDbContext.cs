using JwtIssuer.Server.Audit;
using JwtIssuer.Server.Scim;
using JwtIssuer.Server.SignIn.PasswordLinks;
using JwtIssuer.Server.Users;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace JwtIssuer.Server.Data;

/// <summary>
/// The server's database: ASP.NET Core Identity's user store, the audit trail and, with PostgreSQL, the Data
/// Protection key ring shared by every instance. One subclass per provider keeps each provider's migrations apart (EF Core's
/// documented pattern for several providers).
/// </summary>
public abstract class JwtIssuerDbContext(DbContextOptions options) : IdentityDbContext<User>(options), IDataProtectionKeyContext
{
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    public DbSet<AuditEvent> AuditEvents => Set<AuditEvent>();

    public DbSet<SetPasswordLink> SetPasswordLinks => Set<SetPasswordLink>();

    public DbSet<ScimToken> ScimTokens => Set<ScimToken>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.Entity<User>(user =>
        {
            user.Property(u => u.DisplayName).HasMaxLength(256);
            user.Property(u => u.ScimUserName).HasMaxLength(256);
            user.Property(u => u.NormalizedScimUserName).HasMaxLength(256);
            user.Property(u => u.ExternalId).HasMaxLength(256);
            user.Property(u => u.GivenName).HasMaxLength(256);
            user.Property(u => u.FamilyName).HasMaxLength(256);
            // SCIM user names are unique whatever their case; identity providers look agents up by them and by externalId.
            user.HasIndex(u => u.NormalizedScimUserName).IsUnique();
            user.HasIndex(u => u.ExternalId);
        });
        builder.Entity<DataProtectionKey>();
        AuditEvent.Configure(builder);
        SetPasswordLink.Configure(builder);
        ScimToken.Configure(builder);
    }
}

/// <summary>The embedded default: a SQLite file. Migrations in Data/Migrations/Sqlite.</summary>
public sealed class SqliteDbContext(DbContextOptions<SqliteDbContext> options) : JwtIssuerDbContext(options);

/// <summary>Several instances on one PostgreSQL database. Migrations in Data/Migrations/Postgres.</summary>
public sealed class PostgresDbContext(DbContextOptions<PostgresDbContext> options) : JwtIssuerDbContext(options);
