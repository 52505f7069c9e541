using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace JwtIssuer.Server.Data;

/// <summary>Lets <c>dotnet ef migrations add</c> build the context without starting the server.</summary>
internal sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<JwtIssuerDbContext>
{
    public JwtIssuerDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<JwtIssuerDbContext>().UseSqlite("Data Source=design-time.db").Options);
}
