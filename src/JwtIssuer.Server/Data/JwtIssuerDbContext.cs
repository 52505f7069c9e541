using JwtIssuer.Server.Users;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace JwtIssuer.Server.Data;

/// <summary>The server's database: ASP.NET Core Identity's user store.</summary>
public sealed class JwtIssuerDbContext(DbContextOptions<JwtIssuerDbContext> options) : IdentityDbContext<User>(options)
{
    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.Entity<User>().Property(user => user.DisplayName).HasMaxLength(256);
    }
}
