using System.Data.Common;
using Microsoft.Extensions.DependencyInjection;
using Upstander.Platform.Auditing;
using Upstander.Platform.Security;
using Upstander.Tests.TestHost;

namespace Upstander.Tests.Platform.Auditing;

/// <summary>
/// Someone with full control of the database (triggers dropped) edits, deletes, inserts or reorders
/// audit rows; `audit verify` must notice each, and say where.
/// </summary>
public sealed class AuditVerifyTests
{
    public enum Tampering
    {
        Edit,
        Delete,
        Insert,
        Append,
        Reorder,
    }

    private static async Task<UpstanderFactory> FactoryWithHistoryAsync(Engine engine)
    {
        var factory = new UpstanderFactory(engine);
        var org = await factory.CreateOrganisationAsync("Audit Org");
        foreach (var role in new[] { Roles.Employee, Roles.Leader, Roles.Researcher })
        {
            await factory.SignInAsync(org[role]);
        }
        return factory;
    }

    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task An_untouched_chain_verifies(Engine engine)
    {
        await using var factory = await FactoryWithHistoryAsync(engine);
        var result = await Cli.RunAsync(factory.Database, "audit", "verify");
        result.ExitCode.ShouldBe(0, result.Output + result.Error);
        result.Output.ShouldMatch(@"Audit chain intact: \d+ events verified");
    }

    [Theory]
    [InlineData(Engine.Sqlite, Tampering.Edit, "was changed after it was written")]
    [InlineData(Engine.Sqlite, Tampering.Delete, "missing")]
    [InlineData(Engine.Sqlite, Tampering.Insert, "was changed after it was written")]
    [InlineData(Engine.Sqlite, Tampering.Append, "was changed after it was written")]
    [InlineData(Engine.Sqlite, Tampering.Reorder, "does not follow")]
    [InlineData(Engine.Postgres, Tampering.Edit, "was changed after it was written")]
    [InlineData(Engine.Postgres, Tampering.Delete, "missing")]
    [InlineData(Engine.Postgres, Tampering.Insert, "was changed after it was written")]
    [InlineData(Engine.Postgres, Tampering.Append, "was changed after it was written")]
    [InlineData(Engine.Postgres, Tampering.Reorder, "does not follow")]
    public async Task Audit_verify_detects_tampering(Engine engine, Tampering tampering, string expected)
    {
        await using var factory = await FactoryWithHistoryAsync(engine);
        await using var db = SchemaSnapshot.Open(engine, factory.Database.Connection);
        await SchemaSnapshot.ExecuteAsync(db, engine == Engine.Sqlite
            ? "DROP TRIGGER audit_events_no_update; DROP TRIGGER audit_events_no_delete;"
            : "DROP TRIGGER audit_events_no_change ON audit_events;");
        var count = int.Parse((await SchemaSnapshot.ReadAsync(db, "SELECT COUNT(*) FROM audit_events"))[0][0], System.Globalization.CultureInfo.InvariantCulture);
        count.ShouldBeGreaterThan(6);
        const int target = 4;

        switch (tampering)
        {
            case Tampering.Edit:
                // Make a failed sign-in look like a success, or the reverse.
                await SchemaSnapshot.ExecuteAsync(db, $"UPDATE audit_events SET \"Outcome\" = 'tampered' WHERE \"Sequence\" = {target}");
                break;
            case Tampering.Delete:
                await SchemaSnapshot.ExecuteAsync(db, $"DELETE FROM audit_events WHERE \"Sequence\" = {target}");
                break;
            case Tampering.Insert:
                // Shift later rows up and forge a row in the gap, copying the right previous hash.
                await SchemaSnapshot.ExecuteAsync(db, $"UPDATE audit_events SET \"Sequence\" = \"Sequence\" + 1000 WHERE \"Sequence\" > {target}");
                await SchemaSnapshot.ExecuteAsync(db, $"UPDATE audit_events SET \"Sequence\" = \"Sequence\" - 999 WHERE \"Sequence\" > 1000");
                await SchemaSnapshot.ExecuteAsync(db, $"""
                    INSERT INTO audit_events ("Sequence", "At", "OrganisationId", "ActorKind", "ActorId", "Action", "TargetType", "TargetId", "Detail", "Outcome", "PreviousHash", "Hash")
                    SELECT {target + 1}, "At", "OrganisationId", "ActorKind", "ActorId", 'account.sign-in', "TargetType", "TargetId", NULL, 'success', "Hash", '{new string('a', 64)}'
                    FROM audit_events WHERE "Sequence" = {target}
                    """);
                break;
            case Tampering.Append:
                await SchemaSnapshot.ExecuteAsync(db, $"""
                    INSERT INTO audit_events ("Sequence", "At", "OrganisationId", "ActorKind", "ActorId", "Action", "TargetType", "TargetId", "Detail", "Outcome", "PreviousHash", "Hash")
                    SELECT "Sequence" + 1, "At", "OrganisationId", "ActorKind", "ActorId", 'person.roles-changed', "TargetType", "TargetId", 'roles=Admin', 'success', "Hash", '{new string('b', 64)}'
                    FROM audit_events WHERE "Sequence" = {count}
                    """);
                break;
            case Tampering.Reorder:
                await SchemaSnapshot.ExecuteAsync(db, $"UPDATE audit_events SET \"Sequence\" = -1 WHERE \"Sequence\" = {target}");
                await SchemaSnapshot.ExecuteAsync(db, $"UPDATE audit_events SET \"Sequence\" = {target} WHERE \"Sequence\" = {target + 1}");
                await SchemaSnapshot.ExecuteAsync(db, $"UPDATE audit_events SET \"Sequence\" = {target + 1} WHERE \"Sequence\" = -1");
                break;
        }

        var result = await Cli.RunAsync(factory.Database, "audit", "verify");
        result.ExitCode.ShouldBe(3, result.Output + result.Error);
        result.Output.ShouldContain("BROKEN");
        result.Output.ShouldContain(expected);
    }

    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task The_database_itself_refuses_to_update_or_delete_audit_rows(Engine engine)
    {
        await using var factory = await FactoryWithHistoryAsync(engine);
        await using var db = SchemaSnapshot.Open(engine, factory.Database.Connection);
        (await Should.ThrowAsync<DbException>(() => SchemaSnapshot.ExecuteAsync(db, "UPDATE audit_events SET \"Outcome\" = 'x'"))).Message.ShouldContain("append-only");
        (await Should.ThrowAsync<DbException>(() => SchemaSnapshot.ExecuteAsync(db, "DELETE FROM audit_events"))).Message.ShouldContain("append-only");
    }

    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task An_anchor_kept_outside_the_database_detects_removed_newest_rows_which_the_chain_alone_cannot(Engine engine)
    {
        await using var factory = await FactoryWithHistoryAsync(engine);
        var first = await Cli.RunAsync(factory.Database, "audit", "verify");
        first.ExitCode.ShouldBe(0, first.Output + first.Error);
        var anchor = HeadOf(first.Output);

        // The hourly job logs the same head, so the host's log holds anchors too.
        var job = factory.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<AuditHeadJob>().Single();
        await job.RunOnceAsync(CancellationToken.None);
        factory.Logs.All.ShouldContain($"Audit head {anchor}");

        // More events: the chain still passes through the anchor.
        var org = await factory.CreateOrganisationAsync("Later Org");
        await factory.SignInAsync(org[Roles.Employee]);
        var later = await Cli.RunAsync(factory.Database, "audit", "verify", "--anchor", anchor);
        later.ExitCode.ShouldBe(0, later.Output + later.Error);
        later.Output.ShouldContain("through the anchor at event");

        // Someone with the database removes the newest rows, down past the anchor. The shorter chain still links...
        var sequence = long.Parse(anchor.Split(':')[0], System.Globalization.CultureInfo.InvariantCulture);
        await using (var db = SchemaSnapshot.Open(engine, factory.Database.Connection))
        {
            await SchemaSnapshot.ExecuteAsync(db, engine == Engine.Sqlite ? "DROP TRIGGER audit_events_no_delete;" : "DROP TRIGGER audit_events_no_change ON audit_events;");
            await SchemaSnapshot.ExecuteAsync(db, $"DELETE FROM audit_events WHERE \"Sequence\" >= {sequence - 1}");
        }
        (await Cli.RunAsync(factory.Database, "audit", "verify")).ExitCode.ShouldBe(0, "without an anchor, truncation cannot be seen");
        // ...but it no longer reaches the anchor,
        var truncated = await Cli.RunAsync(factory.Database, "audit", "verify", "--anchor", anchor);
        truncated.ExitCode.ShouldBe(3);
        truncated.Output.ShouldContain("the newest rows were removed");

        // nor passes through it once new events have grown the chain back past it.
        await factory.SignInAsync(org[Roles.Leader]);
        await factory.SignInAsync(org[Roles.Researcher]);
        var regrown = await Cli.RunAsync(factory.Database, "audit", "verify", "--anchor", anchor);
        regrown.ExitCode.ShouldBe(3, regrown.Output);
        regrown.Output.ShouldContain($"row {sequence} is not the one the anchor recorded");
    }

    [Theory]
    [InlineData("12")]
    [InlineData("12:abc")]
    [InlineData("0:0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("x:0000000000000000000000000000000000000000000000000000000000000000")]
    public async Task A_malformed_anchor_is_refused_with_exit_2_before_anything_runs(string given)
    {
        await using var factory = await FactoryWithHistoryAsync(Engine.Sqlite);
        var result = await Cli.RunAsync(factory.Database, "audit", "verify", "--anchor", given);
        result.ExitCode.ShouldBe(2);
        result.Error.ShouldContain("Give --anchor as <sequence>:<64 hexadecimal digits>");
        result.Output.ShouldNotContain("Audit chain");
    }

    private static string HeadOf(string output)
    {
        var match = System.Text.RegularExpressions.Regex.Match(output, "Head: ([0-9]+:[0-9a-f]{64}) ");
        match.Success.ShouldBeTrue(output);
        return match.Groups[1].Value;
    }

    [Fact]
    public async Task Sign_ins_and_failed_sign_ins_are_recorded_without_what_was_typed()
    {
        await using var factory = new UpstanderFactory();
        var org = await factory.CreateOrganisationAsync("Audit Content Org");
        await factory.SignInAsync(org[Roles.Employee]);
        await factory.Browser().PostFormAsync("/account/sign-in", new() { ["Email"] = org[Roles.Leader].Email, ["Password"] = "typed-secret-password-123" });
        await factory.Browser().PostFormAsync("/account/sign-in", new() { ["Email"] = "nobody-typed-this@example.org", ["Password"] = "another-typed-secret" });

        await using var db = SchemaSnapshot.Open(Engine.Sqlite, factory.Database.Connection);
        var rows = await SchemaSnapshot.ReadAsync(db, "SELECT \"Action\", \"ActorId\", \"Outcome\", coalesce(\"TargetId\", ''), coalesce(\"Detail\", '') FROM audit_events ORDER BY \"Sequence\"");
        rows.ShouldContain(r => r[0] == "account.sign-in" && r[2] == "success");
        rows.Count(r => r[0] == "account.sign-in-failed").ShouldBe(2);
        var everything = string.Join('|', rows.SelectMany(r => r));
        everything.ShouldNotContain("typed-secret");
        everything.ShouldNotContain("nobody-typed-this");
    }

}
