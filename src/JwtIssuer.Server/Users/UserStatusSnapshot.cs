using System.Collections.Frozen;
using System.Linq.Expressions;
using JwtIssuer.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace JwtIssuer.Server.Users;

/// <summary>What a token request needs to know of a user: disabled, and the current security stamp.</summary>
internal sealed record UserStatus(bool IsDisabled, string? SecurityStamp);

/// <summary>
/// Every user's <see cref="UserStatus"/>, read with one query and kept for at most <see cref="MaxAge"/>, so a
/// sign-in storm (thousands of different agents at once) costs a dictionary lookup per token instead of a database
/// round trip. A user the snapshot does not know yet (signed up since it was read) is read on its own.
/// </summary>
/// <remarks>
/// Per-user caching would not help a storm, where every request is a different user; one snapshot does. The price:
/// a user disabled or given a new password may still receive tokens for up to <see cref="MaxAge"/>
/// on each instance. The throughput this buys is in docs/performance.md.
/// </remarks>
internal sealed class UserStatusSnapshot(IServiceScopeFactory scopes, TimeProvider time) : IDisposable
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(5);

    /// <summary>The one projection every read uses, translated to SQL.</summary>
    private static readonly Expression<Func<User, UserStatus>> StatusOf = user => new UserStatus(user.IsDisabled, user.SecurityStamp);

    private readonly SemaphoreSlim _reading = new(1, 1);
    private Snapshot? _current;

    /// <summary>The user's status no older than <see cref="MaxAge"/>; null when there is no such user.</summary>
    public async ValueTask<UserStatus?> FindAsync(string id, CancellationToken cancellationToken)
    {
        var snapshot = await CurrentAsync(cancellationToken);
        if (snapshot.Users.TryGetValue(id, out var status))
        {
            return status;
        }

        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<JwtIssuerDbContext>().Users
            .Where(user => user.Id == id)
            .Select(StatusOf)
            .SingleOrDefaultAsync(cancellationToken);
    }

    /// <summary>
    /// The status of the one user with this email (normalized as Identity stores it), no older than <see cref="MaxAge"/>;
    /// null when there is none, or more than one.
    /// </summary>
    public async ValueTask<UserStatus?> FindByEmailAsync(string normalizedEmail, CancellationToken cancellationToken)
    {
        var snapshot = await CurrentAsync(cancellationToken);
        if (snapshot.ByEmail.TryGetValue(normalizedEmail, out var status))
        {
            return status;
        }

        await using var scope = scopes.CreateAsyncScope();
        var matches = await scope.ServiceProvider.GetRequiredService<JwtIssuerDbContext>().Users
            .Where(user => user.NormalizedEmail == normalizedEmail)
            .Select(StatusOf)
            .Take(2)
            .ToListAsync(cancellationToken);
        return matches.Count == 1 ? matches[0] : null;
    }

    private async ValueTask<Snapshot> CurrentAsync(CancellationToken cancellationToken)
    {
        var snapshot = Volatile.Read(ref _current);
        if (snapshot is not null && time.GetUtcNow() - snapshot.ReadAt < MaxAge)
        {
            return snapshot;
        }

        // One reader at a time; requests that queued behind it use what it read.
        await _reading.WaitAsync(cancellationToken);
        try
        {
            snapshot = Volatile.Read(ref _current);
            if (snapshot is not null && time.GetUtcNow() - snapshot.ReadAt < MaxAge)
            {
                return snapshot;
            }

            var readAt = time.GetUtcNow();
            await using var scope = scopes.CreateAsyncScope();
            var users = await scope.ServiceProvider.GetRequiredService<JwtIssuerDbContext>().Users
                .Select(user => new { user.Id, user.NormalizedEmail, Status = new UserStatus(user.IsDisabled, user.SecurityStamp) })
                .ToListAsync(cancellationToken);

            // Identity keeps emails unique; should two users share one all the same, neither is found by it.
            var byEmail = users
                .Where(user => !string.IsNullOrEmpty(user.NormalizedEmail))
                .GroupBy(user => user.NormalizedEmail!, StringComparer.Ordinal)
                .Where(group => group.Count() == 1)
                .ToFrozenDictionary(group => group.Key, group => group.Single().Status, StringComparer.Ordinal);
            snapshot = new Snapshot(users.ToFrozenDictionary(user => user.Id, user => user.Status, StringComparer.Ordinal), byEmail, readAt);
            Volatile.Write(ref _current, snapshot);
            return snapshot;
        }
        finally
        {
            _reading.Release();
        }
    }

    public void Dispose() => _reading.Dispose();

    private sealed record Snapshot(FrozenDictionary<string, UserStatus> Users, FrozenDictionary<string, UserStatus> ByEmail, DateTimeOffset ReadAt);
}
