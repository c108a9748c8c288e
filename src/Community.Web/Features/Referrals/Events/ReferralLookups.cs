using Community.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Referrals;

/// <summary>
/// The referral behind a customer, by each thing a report may name it by: the product's id, the member it became, its email, its
/// id. Tracked, since the caller goes on to record a payment on it. Compiled once: the events writer runs these for every event
/// (the events API's and the billing providers'), and skipping EF's query cache keeps its turn short.
/// </summary>
internal static class ReferralLookups
{
    public static readonly Func<CommunityDb, string, CancellationToken, Task<Referral?>> ByExternalId = EF.CompileAsyncQuery(
        (CommunityDb db, string externalId, CancellationToken ct) => db.Set<Referral>().FirstOrDefault(r => r.ExternalCustomerId == externalId));

    public static readonly Func<CommunityDb, string, CancellationToken, Task<Referral?>> ByMember = EF.CompileAsyncQuery(
        (CommunityDb db, string memberId, CancellationToken ct) => db.Set<Referral>().FirstOrDefault(r => r.ReferredMemberId == memberId));

    public static readonly Func<CommunityDb, string, CancellationToken, Task<Referral?>> ByEmail = EF.CompileAsyncQuery(
        (CommunityDb db, string email, CancellationToken ct) => db.Set<Referral>().FirstOrDefault(r => r.CustomerEmail == email));

    public static readonly Func<CommunityDb, long, CancellationToken, Task<Referral?>> ById = EF.CompileAsyncQuery(
        (CommunityDb db, long id, CancellationToken ct) => db.Set<Referral>().FirstOrDefault(r => r.Id == id));
}
