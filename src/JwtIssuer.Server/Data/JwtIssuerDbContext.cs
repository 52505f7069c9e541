using JwtIssuer.Server.Audit;
using JwtIssuer.Server.Users;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

using JwtIssuer.Server.SignIn.PasswordLinks;

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

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.Entity<User>().Property(user => user.DisplayName).HasMaxLength(256);
        builder.Entity<DataProtectionKey>();
        AuditEvent.Configure(builder);
        SetPasswordLink.Configure(builder);
    }
}

/// <summary>The embedded default: a SQLite file. Migrations in Data/Migrations/Sqlite.</summary>
public sealed class SqliteDbContext(DbContextOptions<SqliteDbContext> options) : JwtIssuerDbContext(options);

/// <summary>Several instances on one PostgreSQL database. Migrations in Data/Migrations/Postgres.</summary>
public sealed class PostgresDbContext(DbContextOptions<PostgresDbContext> options) : JwtIssuerDbContext(options);
