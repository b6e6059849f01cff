using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Upstander.Features.Accounts;

namespace Upstander.Platform.Data;

/// <summary>Gives Identity's tables names in the same style as the rest of the schema.</summary>
internal static class IdentityTables
{
    public static void Configure(ModelBuilder builder)
    {
        builder.Entity<Account>().ToTable("accounts");
        builder.Entity<IdentityRole<Guid>>().ToTable("roles");
        builder.Entity<IdentityUserRole<Guid>>().ToTable("account_roles");
        builder.Entity<IdentityUserClaim<Guid>>().ToTable("account_claims");
        builder.Entity<IdentityUserLogin<Guid>>().ToTable("account_logins");
        builder.Entity<IdentityUserToken<Guid>>().ToTable("account_tokens");
        builder.Entity<IdentityRoleClaim<Guid>>().ToTable("role_claims");
        builder.Entity<IdentityUserPasskey<Guid>>().ToTable("account_passkeys");
    }
}
