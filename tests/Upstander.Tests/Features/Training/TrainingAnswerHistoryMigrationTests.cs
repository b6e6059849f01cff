using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Upstander.Features.Training;
using Upstander.Platform.Data;
using Upstander.Platform.Security;
using Upstander.Tests.TestHost;

namespace Upstander.Tests.Features.Training;

/// <summary>
/// Migration 0026 on both engines: completed steps, kept before as a list of keys, become keys with the time each was done;
/// when that is not known, the learner's start, so the evaluation counts them as it did before.
/// </summary>
public sealed class TrainingAnswerHistoryMigrationTests
{
    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task Steps_kept_as_a_list_are_dated_at_the_learners_start(Engine engine)
    {
        using var content = new TrainingContentFixture();
        await using var factory = new UpstanderFactory(engine, new Dictionary<string, string?> { ["Training:ContentPath"] = content.Root });
        var org = await factory.CreateOrganisationAsync("Step Times Org");
        var started = new DateTimeOffset(2026, 4, 1, 9, 30, 15, TimeSpan.Zero).AddTicks(1234560);
        var (listed, none) = await factory.InScopeAsync(org.Id, async services =>
        {
            var db = services.GetRequiredService<AppDbContext>();
            var published = (await services.GetRequiredService<TrainingLibrary>().CurrentAsync(db, "sample-course", CancellationToken.None))!;
            var listed = CourseProgress.Start(org.Id, org[Roles.PeerSupporter].PersonId, published.Course.Slug, published.VersionId, started);
            var none = CourseProgress.Start(org.Id, org[Roles.Employee].PersonId, published.Course.Slug, published.VersionId, started);
            db.Set<CourseProgress>().AddRange(listed, none);
            await db.SaveChangesAsync();
            // As they were kept before 0026: a list of keys.
            const string steps = "[\"01-listening/check\",\"01-listening/lessons/1\"]";
            await db.Database.ExecuteSqlAsync($"UPDATE training_progress SET \"CompletedSteps\" = {steps} WHERE \"Id\" = {listed.Id}");
            await db.Database.ExecuteSqlAsync($"UPDATE training_progress SET \"CompletedSteps\" = '[]' WHERE \"Id\" = {none.Id}");
            return (listed.Id, none.Id);
        });
        await using (var connection = SchemaSnapshot.Open(engine, factory.Database.Connection))
        {
            var sql = MigrationRunner.Load(factory.Database.Provider).Single(m => m.Version == 26).Sql;
            await SchemaSnapshot.ExecuteAsync(connection, sql[sql.IndexOf("UPDATE", StringComparison.Ordinal)..]);
        }

        var rows = await factory.InScopeAsync(org.Id, services =>
            services.GetRequiredService<AppDbContext>().Set<CourseProgress>().AsNoTracking().ToDictionaryAsync(p => p.Id));
        rows[listed].Done.ShouldBe(["01-listening/check", "01-listening/lessons/1"], ignoreOrder: true);
        rows[listed].DoneBefore(rows[listed].StartedAt).ShouldBeEmpty();
        rows[listed].DoneBefore(rows[listed].StartedAt.AddTicks(1)).ShouldBe(["01-listening/check", "01-listening/lessons/1"], ignoreOrder: true);
        rows[none].Done.ShouldBeEmpty();
        rows[none].CompletedSteps.ShouldBe("{}");
    }
}
