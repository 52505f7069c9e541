using JwtIssuer.Server.Users;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace JwtIssuer.Tests.Infrastructure;

/// <summary>Identity's real hasher, counting verifications: proves work per sign-in without timing anything.</summary>
public sealed class CountingPasswordHasher(PasswordVerificationCounter counter, IOptions<PasswordHasherOptions> options)
    : PasswordHasher<User>(options)
{
    public override PasswordVerificationResult VerifyHashedPassword(User user, string hashedPassword, string providedPassword)
    {
        counter.Increment();
        return base.VerifyHashedPassword(user, hashedPassword, providedPassword);
    }
}

public sealed class PasswordVerificationCounter
{
    private int _count;

    public int Count => Volatile.Read(ref _count);

    public void Increment() => Interlocked.Increment(ref _count);
}
