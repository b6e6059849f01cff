using Microsoft.AspNetCore.Mvc;

namespace Upstander.Features.Training.Authoring;

/// <summary>
/// A module's knowledge check: the pass mark and every question with its options. The whole check is
/// one form; the buttons that add or remove a question or option save what was typed as well.
/// </summary>
public sealed class CheckModel(CourseAuthoring authoring) : DraftPageModel(authoring)
{
    public sealed class OptionInput
    {
        public string? Id { get; set; }
        public string? Text { get; set; }
        public bool Correct { get; set; }
        public string? Feedback { get; set; }
    }

    public sealed class QuestionInput
    {
        public string? Id { get; set; }
        public string? Kind { get; set; }
        public string? Prompt { get; set; }
        public List<OptionInput> Options { get; set; } = [];
    }

    public sealed class CheckInput
    {
        public int? PassPercent { get; set; }
        public List<QuestionInput> Questions { get; set; } = [];
    }

    public CourseModule Module { get; private set; } = null!;

    [BindProperty]
    public CheckInput Input { get; set; } = new();

    [BindProperty(SupportsGet = true, Name = "saved")]
    public bool Saved { get; set; }

    public static CheckQuestion BlankQuestion(string id) =>
        new(id, CheckQuestion.SingleAnswer, "", [new CheckOption("a", "", true, ""), new CheckOption("b", "", false, "")]);

    private async Task<bool> LoadCheckAsync(string course, string module, CancellationToken ct)
    {
        if (!await LoadAsync(course, ct) || Course.Module(module) is not { Check: not null } found)
        {
            return false;
        }
        Module = found;
        return true;
    }

    public async Task<IActionResult> OnGetAsync(string course, string module, CancellationToken ct)
    {
        if (!await LoadCheckAsync(course, module, ct))
        {
            return NotFound();
        }
        Input = ToInput(Module.Check!);
        return Page();
    }

    /// <summary>Saves the check; <paramref name="command"/> may also add or remove a question ("add-question", "remove-question:2") or an option ("add-option:1", "remove-option:1:3").</summary>
    public async Task<IActionResult> OnPostAsync(string course, string module, string? command, CancellationToken ct)
    {
        if (!await LoadCheckAsync(course, module, ct))
        {
            return NotFound();
        }
        var check = FromInput();
        if (check is null || !ModelState.IsValid)
        {
            return Invalid();
        }
        var questions = check.Questions.ToList();
        var parts = (command ?? "save").Split(':');
        int At(int i) => parts.Length > i && int.TryParse(parts[i], out var n) ? n : -1;
        switch (parts[0])
        {
            case "save":
                break;
            case "add-question" when questions.Count < CourseLimits.Questions:
                questions.Add(BlankQuestion(FreeId("q", questions.Select(q => q.Id))));
                break;
            case "remove-question" when At(1) >= 0 && At(1) < questions.Count:
                questions.RemoveAt(At(1));
                break;
            case "add-option" when At(1) >= 0 && At(1) < questions.Count && questions[At(1)].Options.Count < CourseLimits.Options:
                var q = questions[At(1)];
                var free = "abcdefghijklmnopqrstuvwxyz".Select(c => c.ToString()).First(id => q.Options.All(o => o.Id != id));
                questions[At(1)] = q with { Options = [.. q.Options, new CheckOption(free, "", false, "")] };
                break;
            case "remove-option" when At(1) >= 0 && At(1) < questions.Count && At(2) >= 0 && At(2) < questions[At(1)].Options.Count:
                var question = questions[At(1)];
                questions[At(1)] = question with { Options = [.. question.Options.Where((_, i) => i != At(2))] };
                break;
            default:
                Error("questions", "That change is not possible: a check has at most {0} questions of at most {1} options.", CourseLimits.Questions, CourseLimits.Options);
                return Invalid();
        }
        var saved = check with { Questions = questions };
        await SaveAsync(Course with { Modules = [.. Course.Modules.Select(m => m.Key == Module.Key ? m with { Check = saved } : m)] }, ct);
        return Redirect($"/coordinate/training/courses/{Draft.Slug}/modules/{Module.Key}/check?saved=true");
    }

    private static CheckInput ToInput(KnowledgeCheck check) => new()
    {
        PassPercent = (int)Math.Round(check.PassMark * 100),
        Questions = [.. check.Questions.Select(q => new QuestionInput
        {
            Id = q.Id, Kind = q.Kind, Prompt = q.Prompt,
            Options = [.. q.Options.Select(o => new OptionInput { Id = o.Id, Text = o.Text, Correct = o.Correct, Feedback = o.Feedback })],
        })],
    };

    /// <summary>The check as typed, or null (with errors) when it breaks a limit or an id is not one the editor gave.</summary>
    private KnowledgeCheck? FromInput()
    {
        if (Input.PassPercent is not (>= 1 and <= 100))
        {
            Error("pass-percent", "Enter a pass mark from 1 to 100 percent.");
        }
        if (Input.Questions.Count > CourseLimits.Questions)
        {
            Error("questions", "A check has at most {0} questions.", CourseLimits.Questions);
            return null;
        }
        for (var i = 0; i < Input.Questions.Count; i++)
        {
            var q = Input.Questions[i];
            if (q.Id is null || !CourseRules.IsId(q.Id))
            {
                Error($"q{i}-prompt", "Question {0} is not one this editor made. Reload the page and try again.", i + 1);
            }
            if (q.Kind is not (CheckQuestion.SingleAnswer or CheckQuestion.MultipleAnswer))
            {
                Error($"q{i}-single", "Choose whether question {0} has one correct answer or several.", i + 1);
            }
            Text(q.Prompt, $"q{i}-prompt", CourseLimits.TextLength, "", required: false);
            if (q.Options.Count > CourseLimits.Options)
            {
                Error($"q{i}-prompt", "A question has at most {0} options.", CourseLimits.Options);
                continue;
            }
            for (var j = 0; j < q.Options.Count; j++)
            {
                var o = q.Options[j];
                if (o.Id is null || !CourseRules.IsId(o.Id))
                {
                    Error($"q{i}-o{j}-text", "Question {0}, option {1} is not one this editor made. Reload the page and try again.", i + 1, j + 1);
                }
                Text(o.Text, $"q{i}-o{j}-text", CourseLimits.TextLength, "", required: false);
                Text(o.Feedback, $"q{i}-o{j}-feedback", CourseLimits.TextLength, "", required: false);
            }
        }
        if (Errors.Count > 0)
        {
            return null;
        }
        return new KnowledgeCheck(Input.PassPercent!.Value / 100.0, [.. Input.Questions.Select(q => new CheckQuestion(q.Id!, q.Kind!, q.Prompt?.Trim() ?? "",
            [.. q.Options.Select(o => new CheckOption(o.Id!, o.Text?.Trim() ?? "", o.Correct, o.Feedback?.Trim() ?? ""))]))]);
    }
}
