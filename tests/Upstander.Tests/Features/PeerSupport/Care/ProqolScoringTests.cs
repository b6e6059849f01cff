using Microsoft.Extensions.Configuration;
using Upstander.Features.PeerSupport.Care;

namespace Upstander.Tests.Features.PeerSupport.Care;

/// <summary>The shipped ProQOL 5 content and its scoring, against sums worked out by hand.</summary>
public sealed class ProqolScoringTests
{
    private static readonly ProqolInstrument Proqol = LoadShipped();

    private static ProqolInstrument LoadShipped()
    {
        var instruments = new Instruments();
        instruments.Load(Instruments.ContentFolder(new ConfigurationBuilder().Build(), AppContext.BaseDirectory)!);
        return instruments.Proqol;
    }

    private static int[] All(int value) => [.. Enumerable.Repeat(value, 30)];

    private static int[] With(int[] answers, IEnumerable<int> items, int value)
    {
        var copy = answers.ToArray();
        foreach (var item in items)
        {
            copy[item - 1] = value;
        }
        return copy;
    }

    private static readonly int[] CompassionItems = [3, 6, 12, 16, 18, 20, 22, 24, 27, 30];
    private static readonly int[] Reversed = [1, 4, 15, 17, 29];

    [Fact]
    public void The_shipped_content_has_30_items_the_subscales_of_the_manual_and_the_required_credit()
    {
        Proqol.Items.Count.ShouldBe(30);
        Proqol.Items[0].ShouldBe("I am happy.");
        Proqol.Items[1].ShouldBe("I am preoccupied with more than one person I support.");
        Proqol.Scale.Select(p => p.Label).ShouldBe(["Never", "Rarely", "Sometimes", "Often", "Very Often"]);
        Proqol.Subscales.Single(s => s.Id == ProqolInstrument.Burnout).Reversed.ShouldBe(Reversed);
        Proqol.Subscales.Single(s => s.Id == ProqolInstrument.CompassionSatisfaction).Items.ShouldBe(CompassionItems);
        Proqol.Subscales.Single(s => s.Id == ProqolInstrument.SecondaryTraumaticStress).Items.ShouldBe([2, 5, 7, 9, 11, 13, 14, 23, 25, 28]);
        Proqol.Attribution.ShouldContain("B. Hudnall Stamm");
        Proqol.Attribution.ShouldContain("Center for Victims of Torture");
        Proqol.Link.ShouldContain("proqol.org");
        (Proqol.CutOffs.LowAtMost, Proqol.CutOffs.HighAtLeast).ShouldBe((22, 42));
    }

    [Fact]
    public void Sums_use_reverse_scoring_on_the_five_burnout_items()
    {
        Proqol.Score(All(3)).ShouldBe(new ProqolScores(30, 30, 30));
        Proqol.Score(All(1)).ShouldBe(new ProqolScores(10, 30, 10), "the five reversed burnout items count 5 each");
        Proqol.Score(All(5)).ShouldBe(new ProqolScores(50, 30, 50));
        Proqol.Score(With(All(1), Reversed, 5)).Burnout.ShouldBe(10, "answering 5 to a reversed item counts 1");
        Proqol.Score(With(All(5), Reversed, 1)).Burnout.ShouldBe(50);
    }

    [Fact]
    public void Bands_are_low_to_22_moderate_23_to_41_high_from_42()
    {
        // Compassion satisfaction: ten items of 2 make 20; raising items moves the sum across each edge.
        var twenty = With(All(1), CompassionItems, 2);
        var s22 = Proqol.Score(With(twenty, [3, 6], 3)).CompassionSatisfaction;
        var s23 = Proqol.Score(With(twenty, [3, 6, 12], 3)).CompassionSatisfaction;
        (s22, s23).ShouldBe((22, 23));
        Proqol.Band(s22).ShouldBe(ProqolBand.Low);
        Proqol.Band(s23).ShouldBe(ProqolBand.Moderate);
        var forty = With(All(1), CompassionItems, 4);
        var s41 = Proqol.Score(With(forty, [3], 5)).CompassionSatisfaction;
        var s42 = Proqol.Score(With(forty, [3, 6], 5)).CompassionSatisfaction;
        (s41, s42).ShouldBe((41, 42));
        Proqol.Band(s41).ShouldBe(ProqolBand.Moderate);
        Proqol.Band(s42).ShouldBe(ProqolBand.High);
    }

    [Fact]
    public void Wrong_answers_are_refused()
    {
        Should.Throw<ArgumentException>(() => Proqol.Score(All(3)[..29])).Message.ShouldContain("30 answers");
        Should.Throw<ArgumentException>(() => Proqol.Score(With(All(3), [7], 6))).Message.ShouldContain("Answer 7 is 6");
        Should.Throw<ArgumentException>(() => Proqol.Score(With(All(3), [1], 0))).Message.ShouldContain("Answer 1 is 0");
    }

    [Fact]
    public void Content_without_the_required_credit_stops_loading_with_a_message_naming_the_problem()
    {
        var folder = Directory.CreateTempSubdirectory("proqol-").FullName;
        try
        {
            var shipped = File.ReadAllText(Path.Combine(Instruments.ContentFolder(new ConfigurationBuilder().Build(), AppContext.BaseDirectory)!, "proqol5.json"));
            File.WriteAllText(Path.Combine(folder, "proqol5.json"), shipped.Replace("Center for Victims of Torture", "someone", StringComparison.Ordinal).Replace("\"items\": [3, 6,", "\"items\": [3, 3,", StringComparison.Ordinal));
            var error = Should.Throw<InstrumentContentException>(() => new Instruments().Load(folder)).Message;
            error.ShouldContain("proqol5.json");
            error.ShouldContain("credit the Center for Victims of Torture");
            error.ShouldContain("subscale compassion-satisfaction");
        }
        finally
        {
            Directory.Delete(folder, true);
        }
    }

    [Theory]
    [InlineData(89, false)]
    [InlineData(90, true)]
    public void The_questionnaire_is_due_90_days_after_the_last(int days, bool due)
    {
        var last = new DateTimeOffset(2025, 1, 10, 9, 0, 0, TimeSpan.Zero);
        SupporterWellbeing.IsDue(last, last.AddDays(days)).ShouldBe(due);
        SupporterWellbeing.IsDue(null, last).ShouldBeTrue();
    }
}
