using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Upstander.Features.Accounts;
using Upstander.Platform.Auditing;
using Upstander.Platform.Data;
using Upstander.Platform.Security;
using Upstander.Tests.TestHost;

namespace Upstander.Tests.Features.Accounts;

/// <summary>
/// Invitations that meet another at the wrong moment: two invitations of one person at once, and one while everyone is
/// being invited. Each gets a clear answer, never a second invitation.
/// </summary>
public sealed class InvitationConflictTests
{
    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task Two_invitations_of_one_person_at_once_make_one_and_tell_the_other_one_is_waiting(Engine engine)
    {
        // Both find no invitation waiting for the person before either makes one.
        var barrier = new ReadBarrier("invitations", marker: "\"AcceptedAt\" IS NULL");
        await using var factory = new UpstanderFactory(engine) { TestServices = barrier.Register };
        var org = await factory.CreateOrganisationAsync("Twice Inviting Org");
        var personId = await factory.AddPersonAsync(org.Id, "Ivy Invited", "ivy@twice.example");
        var admins = new[] { await factory.SignInForApiAsync(org[Roles.Admin]), await factory.SignInForApiAsync(org[Roles.Admin]) };

        barrier.Arm();
        var answers = await Task.WhenAll(admins.Select(a => a.PostAsJsonAsync("/api/v1/invitations", new { personId, roles = new[] { Roles.PeerSupporter } })));

        answers.Select(a => a.StatusCode).ShouldBe([HttpStatusCode.Created, HttpStatusCode.Conflict], ignoreOrder: true);
        (await answers.Single(a => a.StatusCode == HttpStatusCode.Conflict).Content.ReadAsStringAsync()).ShouldContain("Invitation already pending");
        (await CountsAsync(factory, org.Id, personId)).ShouldBe((1, 1, 0, 0, 0));
    }

    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task An_invitation_that_arrives_while_everyone_is_invited_waits_and_is_told_one_is_waiting(Engine engine)
    {
        // Inviting everyone has read who has no invitation (this person among them) and is held there.
        var gate = new QueryGate("people", "ORDER BY");
        await using var factory = new UpstanderFactory(engine) { TestServices = gate.Register };
        var org = await factory.CreateOrganisationAsync("Everyone Race Org");
        var personId = await factory.AddPersonAsync(org.Id, "Eve Everyone", "eve@everyone.example");
        var bulk = await factory.SignInAsync(org[Roles.Admin]);
        var token = await bulk.AntiforgeryTokenAsync("/admin/invitations/everyone");
        var single = await factory.SignInForApiAsync(org[Roles.Admin]);

        var (everyone, one) = await HeldInProcess.SecondWaitsForFirstAsync(factory, InvitationIssuer.IssueSection, org.Id, gate,
            () => bulk.PostWithTokenAsync("/admin/invitations/everyone", token),
            () => single.PostAsJsonAsync("/api/v1/invitations", new { personId, roles = Array.Empty<string>() }));

        everyone.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await everyone.Content.ReadAsStringAsync()).ShouldContain("eve@everyone.example");
        one.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await one.Content.ReadAsStringAsync()).ShouldContain("Invitation already pending");
        (await CountsAsync(factory, org.Id, personId)).ShouldBe((1, 1, 0, 0, 0));
    }

    /// <summary>
    /// The person's invitations and, of them, the audited invitation-created events, the accepted ones and the audited
    /// acceptances; and the person's accounts.
    /// </summary>
    private static Task<(int Invitations, int Created, int Accepted, int AcceptanceAudited, int Accounts)> CountsAsync(UpstanderFactory factory, Guid organisationId, Guid personId) =>
        factory.InScopeAsync(organisationId, async s =>
        {
            var db = s.GetRequiredService<AppDbContext>();
            var invitations = await db.Invitations.Where(i => i.PersonId == personId).ToListAsync();
            var targets = invitations.Select(i => i.Id.ToString("N")).ToList();
            return (invitations.Count,
                await db.AuditEvents.CountAsync(e => e.Action == AuditActions.InvitationCreated && targets.Contains(e.TargetId!)),
                invitations.Count(i => i.AcceptedAt is not null),
                await db.AuditEvents.CountAsync(e => e.Action == AuditActions.InvitationAccepted && targets.Contains(e.TargetId!)),
                await db.Users.CountAsync(a => a.PersonId == personId));
        });
}
