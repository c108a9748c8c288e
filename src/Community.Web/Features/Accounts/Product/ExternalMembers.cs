using System.Text.Json;
using Community.Web.Data;
using Community.Web.Infrastructure.Mail;
using Community.Web.Infrastructure.Pages;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Accounts.Product;

/// <summary>
/// Matches a product profile to a member: by external id; else, only for a verified email, by linking the local account
/// with that email (and telling its owner); else by creating the member just in time without a password. An unverified
/// email that belongs to an account never links: that would hand the account to whoever typed the address at the product.
/// </summary>
public sealed class ExternalMembers(CommunityDb db, UserManager<Member> users, MemberRegistration registration, MemberSessions sessions,
    EmailOutbox outbox, SiteOptions site, PublicUrls urls, SsoSettings settings, AvatarImports avatars, TimeProvider clock,
    ILogger<ExternalMembers> log) : IExternalMembers
{
    private const int MaxAttempts = 10;

    private sealed record Attempt(UpsertResult? Result, bool RolesChanged);

    public async Task<UpsertResult> UpsertAsync(ProductProfile profile, ProductSource source, CancellationToken ct)
    {
        var errors = ProductProfileRules.Check(profile);
        if (errors.Any)
        {
            log.ProfileRefused(source, ProductProfileRules.Describe(errors));
            return new UpsertResult(null, UpsertOutcome.Updated, "The profile has invalid fields: " + ProductProfileRules.Describe(errors));
        }
        var clean = ProductProfileRules.Clean(profile, settings.CustomAttributes);
        for (var attempt = 1; ; attempt++)
        {
            Attempt outcome;
            try
            {
                outcome = await TryAsync(clean, source, ct);
            }
            catch (DbUpdateException ex) when (DbErrors.IsUniqueViolation(ex) && attempt < MaxAttempts)
            {
                // A parallel upsert created the same member (or took the same handle) first: match again.
                db.ChangeTracker.Clear();
                outcome = new Attempt(null, false);
            }
            if (outcome.Result is null && attempt < MaxAttempts)
            {
                // Racing writers of one member (a burst of syncs on several servers) take turns instead of colliding again.
                await Task.Delay(Random.Shared.Next(5, 20) * attempt, ct);
                continue;
            }
            var result = outcome.Result ?? Refused("The member could not be created; try again.");
            if (result.MemberId is not null && result.Error is null)
            {
                if (outcome.RolesChanged) await sessions.AnnounceAsync(result.MemberId, ct);
                if (clean.AvatarUrl is not null) avatars.Request(result.MemberId, clean.AvatarUrl);
            }
            return result;
        }
    }

    private async Task<Attempt> TryAsync(ProductProfile p, ProductSource source, CancellationToken ct)
    {
        await using var tx = await db.BeginWriteAsync(ct);
        Member? member = null;
        // An UPDATE that changes nothing takes the row lock first: parallel upserts of one member (a burst of syncs on several
        // servers) queue here and then read the winner's row, instead of failing on its concurrency stamp over and over.
        // It also says whether the member exists, so a new member costs no extra query.
        if (await db.Users.Where(m => m.ExternalId == p.ExternalId)
                .ExecuteUpdateAsync(s => s.SetProperty(m => m.ExternalId, m => m.ExternalId), ct) > 0)
            member = await users.Users.FirstOrDefaultAsync(m => m.ExternalId == p.ExternalId, ct);
        var outcome = UpsertOutcome.Updated;
        if (member is null && p.Email is not null && await users.FindByEmailAsync(p.Email) is { } local)
        {
            // Created by a parallel upsert of this very profile between the two reads: the same member, not a takeover.
            if (local.ExternalId == p.ExternalId) return new Attempt(null, false);
            if (!p.EmailVerified)
            {
                log.UnverifiedEmailNotLinked(source, local.Id);
                return new Attempt(Refused("An account with this email address already exists here, and the product has not verified "
                    + "that the address is yours, so it was not linked. Sign in with your password, or verify your email at the product."), false);
            }
            if (local.ExternalId is not null)
            {
                log.EmailLinkedElsewhere(source, local.Id);
                return new Attempt(Refused("This email address belongs to an account linked to a different product user."), false);
            }
            member = local;
            member.ExternalId = p.ExternalId;
            member.EmailConfirmed = true;
            outcome = UpsertOutcome.Linked;
            Notify(member, source);
        }
        if (member is null)
        {
            if (p.Email is null) return new Attempt(Refused("An email address is needed to create the member."), false);
            member = new Member
            {
                Email = p.Email,
                ExternalId = p.ExternalId,
                DisplayName = DisplayNameOf(p),
                UserName = await registration.FreeHandleAsync(MemberRules.HandleFrom(p.UserName ?? p.Name ?? p.Email.Split('@')[0])),
                JoinedAt = clock.GetUtcNow().UtcDateTime,
                EmailConfirmed = p.EmailVerified,
            };
            // The product's fields and the Member role go in with the member's own INSERT (one save instead of three).
            Apply(member, p, created: true);
            var roleId = await db.Roles.Where(r => r.NormalizedName == MemberRole).Select(r => r.Id).FirstOrDefaultAsync(ct);
            if (roleId is not null) db.UserRoles.Add(new IdentityUserRole<string> { UserId = member.Id, RoleId = roleId });
            var created = await users.CreateAsync(member);
            if (!created.Succeeded)
            {
                db.ChangeTracker.Clear();
                // Another sign-in took the handle between the check and the insert: the next attempt picks another.
                return new Attempt(created.Errors.Any(e => e.Code is "DuplicateUserName" or "DuplicateEmail") ? null
                    : Refused(string.Join(" ", created.Errors.Select(e => e.Description))), false);
            }
            if (roleId is null) await users.AddToRoleAsync(member, Roles.Member);
            // Announced as before when the member starts with a plan or account (a segment), though no server can know them yet.
            var announce = await MapRolesAsync(member, p) | (member.Plan, member.AccountId) != (null, null);
            await tx.CommitAsync(ct);
            return new Attempt(new UpsertResult(member.Id, UpsertOutcome.Created), announce);
        }
        var emailChanged = await RefreshEmailAsync(member, p);

        var segment = (member.Plan, member.AccountId);
        Apply(member, p, created: false);
        // A new plan or account changes which segment categories the member may read: every server re-checks at once.
        var rolesChanged = await MapRolesAsync(member, p) | segment != (member.Plan, member.AccountId);
        if (emailChanged || outcome == UpsertOutcome.Linked)
        {
            // The email or the link changed: Identity's update re-checks that the user name and email are free.
            var saved = await users.UpdateAsync(member);
            if (!saved.Succeeded)
            {
                db.ChangeTracker.Clear();
                // Two updates of one member raced (its concurrency stamp moved): read it again and apply this profile on top.
                return new Attempt(saved.Errors.Any(e => e.Code == "ConcurrencyFailure") ? null
                    : Refused(string.Join(" ", saved.Errors.Select(e => e.Description))), false);
            }
        }
        else if (!await SaveProfileAsync(member)) return new Attempt(null, false);
        await tx.CommitAsync(ct);
        return new Attempt(new UpsertResult(member.Id, outcome), rolesChanged);
    }

    private static readonly string MemberRole = Roles.Member.ToUpperInvariant();

    /// <summary>
    /// A profile refresh (plan, account, name, attributes) writes only the changed columns and a new concurrency stamp, and nothing
    /// when nothing changed: Identity's update would re-check the unchanged user name and email (two queries) and write every column.
    /// False when a parallel update of the member won.
    /// </summary>
    private async Task<bool> SaveProfileAsync(Member member)
    {
        if (!db.ChangeTracker.HasChanges()) return true;
        member.ConcurrencyStamp = Guid.NewGuid().ToString();
        try
        {
            await db.SaveChangesAsync();
            return true;
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            return false;
        }
    }

    private void Apply(Member member, ProductProfile p, bool created)
    {
        if (p.AccountId is not null) member.AccountId = p.AccountId;
        if (p.AccountName is not null) member.AccountName = p.AccountName;
        if (p.Plan is not null) member.Plan = p.Plan;
        if (p.Custom is not null)
        {
            var json = p.Custom.Count == 0 ? null
                : JsonSerializer.Serialize(new SortedDictionary<string, string>(p.Custom.ToDictionary(), StringComparer.Ordinal));
            if (json is { Length: > ProductProfileRules.CustomJsonMax })
                log.CustomTooLarge(member.Id, ProductProfileRules.CustomJsonMax);
            else member.ProductAttributes = json;
        }
        if (!created && (p.Name ?? p.UserName) is not null) member.DisplayName = DisplayNameOf(p);
    }

    private static string DisplayNameOf(ProductProfile p)
    {
        var name = p.Name ?? p.UserName ?? p.Email?.Split('@')[0] ?? "Member";
        if (name.Length > MemberRules.DisplayNameMax) name = name[..MemberRules.DisplayNameMax].TrimEnd();
        return name.Length >= MemberRules.DisplayNameMin ? name : "Member";
    }

    /// <summary>A verified new address at the product follows the member here, unless another account holds it.</summary>
    private async Task<bool> RefreshEmailAsync(Member member, ProductProfile p)
    {
        if (p.Email is null || !p.EmailVerified || string.Equals(p.Email, member.Email, StringComparison.OrdinalIgnoreCase)) return false;
        if (await users.FindByEmailAsync(p.Email) is not null)
        {
            log.EmailTaken(member.Id);
            return false;
        }
        member.Email = p.Email;
        member.NormalizedEmail = users.NormalizeEmail(p.Email);
        member.EmailConfirmed = true;
        return true;
    }

    /// <summary>Adds and removes only the roles the admin mapped from groups; roles granted by hand outside the map stay.</summary>
    private async Task<bool> MapRolesAsync(Member member, ProductProfile p)
    {
        if (p.Groups is null || settings.MappedRoles.Count == 0) return false;
        var wanted = p.Groups.Select(g => settings.GroupRoles.GetValueOrDefault(g)).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var current = await users.GetRolesAsync(member);
        var add = wanted.Where(r => !current.Contains(r)).ToList();
        var remove = settings.MappedRoles.Where(r => !wanted.Contains(r) && current.Contains(r)).ToList();
        if (add.Count > 0) await users.AddToRolesAsync(member, add);
        if (remove.Count > 0) await users.RemoveFromRolesAsync(member, remove);
        return add.Count + remove.Count > 0;
    }

    private void Notify(Member member, ProductSource source)
    {
        var product = settings.ProductName(source);
        outbox.Enqueue(member.Email!, $"Your account is now linked to {product}",
            $"""
            Hi {member.DisplayName},

            Your {site.Name} account is now linked to {product}: signing in there signs you in here.

            If you did not expect this, sign in with your password and contact us: {urls.Absolute("/signin")}
            """);
    }

    private UpsertResult Refused(string error)
    {
        db.ChangeTracker.Clear();
        return new UpsertResult(null, UpsertOutcome.Updated, error);
    }

    public async Task<bool> DeactivateAsync(string externalId, CancellationToken ct)
    {
        await using var tx = await db.BeginWriteAsync(ct);
        var member = await users.Users.FirstOrDefaultAsync(m => m.ExternalId == externalId, ct);
        if (member is null) return false;
        member.DeactivatedAt ??= clock.GetUtcNow().UtcDateTime;
        await sessions.EndAllAsync(member); // saves the member with a new session version
        await tx.CommitAsync(ct);
        await sessions.AnnounceAsync(member.Id, ct);
        return true;
    }
}
