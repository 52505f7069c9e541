using Microsoft.AspNetCore.Identity;

namespace JwtIssuer.Server.Users;

/// <summary>Identity's sign-in gate: a disabled user is refused like an unconfirmed one.</summary>
internal sealed class NotDisabledConfirmation : IUserConfirmation<User>
{
    public Task<bool> IsConfirmedAsync(UserManager<User> manager, User user) => Task.FromResult(!user.IsDisabled);
}
