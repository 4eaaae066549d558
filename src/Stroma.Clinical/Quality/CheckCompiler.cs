using Stroma.Clinical.Issues;

namespace Stroma.Clinical.Quality;

/// <summary>
/// The type checker of the rule language: every field must be in <see cref="CheckFieldCatalogue"/> and available in
/// the check's scope, and every operator must get values it can combine (numbers with the same unit, dates with dates
/// or days, text only with = and !=). A check that passes runs without a type error; one that does not is refused
/// when it is defined, with the field path, the value and why.
/// </summary>
public static class CheckCompiler
{
    /// <summary>Type-checks a parsed expression that must be a condition (true/false) in <paramref name="scope"/>.</summary>
    public static IReadOnlyList<Issue> CheckCondition(CheckNode node, CheckScope scope, string path, string text)
    {
        Preconditions.NotNull(node);
        var checker = new Checker(scope, path, text);
        var type = checker.TypeOf(node);
        if (type is { } t && t.Kind != ValueKind.Boolean)
        {
            checker.Issues.Add(Issue.Error(IssueCodes.CheckTypeMismatch, path,
                $"'{text}' is {t}, not a condition: a check is true/false (compare it, e.g. '… > 0.20')."));
        }

        return checker.Issues;
    }

    /// <summary>The type of a parsed expression, or null with issues.</summary>
    public static (CheckType? Type, IReadOnlyList<Issue> Issues) TypeOf(CheckNode node, CheckScope scope, string path, string text)
    {
        Preconditions.NotNull(node);
        var checker = new Checker(scope, path, text);
        return (checker.TypeOf(node), checker.Issues);
    }

    private sealed class Checker(CheckScope scope, string path, string text)
    {
        public List<Issue> Issues { get; } = [];

        private void Mismatch(int position, string why) =>
            Issues.Add(Issue.Error(IssueCodes.CheckTypeMismatch, path, $"In '{text}' at column {position}: {why}."));

        public CheckType? TypeOf(CheckNode node)
        {
            switch (node)
            {
                case NumberLiteral:
                    return CheckType.Number(null);
                case DaysLiteral:
                    return CheckType.Number(CheckType.Days);
                case TextLiteral:
                    return CheckType.Text;
                case BooleanLiteral:
                    return CheckType.Boolean;
                case DateLiteral:
                    return CheckType.Date;
                case FieldReference f:
                    return Field(f);
                case PresenceNode p:
                    return Field(p.Field) is null ? null : CheckType.Boolean;
                case NotNode n:
                    return Condition(n.Operand, "not") ? CheckType.Boolean : null;
                case NegateNode n:
                    return NumberOperand(n.Operand, "-");
                case AbsNode a:
                    return NumberOperand(a.Operand, "abs(…)");
                case BinaryNode b:
                    return Binary(b);
                default:
                    throw new ArgumentOutOfRangeException(nameof(node), node, null);
            }
        }

        private CheckType? Field(FieldReference f)
        {
            if (CheckFieldCatalogue.Find(f.Path) is not { } field)
            {
                var hint = f.Path.StartsWith(CheckFieldCatalogue.LabPrefix, StringComparison.Ordinal)
                    ? " Lab fields are lab.<analyte key> from `stroma labs catalog`."
                    : f.Path.StartsWith(CheckFieldCatalogue.ScorePrefix, StringComparison.Ordinal)
                        ? " Instrument totals are score.<instrument key>."
                        : " The fields are listed in docs/data-quality.md.";
                Issues.Add(Issue.Error(IssueCodes.CheckUnknownField, path, $"Unknown field '{f.Path}' in '{text}' (column {f.Position}).{hint}"));
                return null;
            }

            if (!field.AvailableIn(scope))
            {
                Issues.Add(Issue.Error(IssueCodes.CheckUnknownField, path,
                    $"The field '{f.Path}' has no value in a check on {scope.Key()} records (it is available in: {string.Join(", ", field.Scopes!.Select(s => s.Key()))})."));
                return null;
            }

            return field.Type;
        }

        private bool Condition(CheckNode operand, string op)
        {
            var type = TypeOf(operand);
            if (type is { } t && t.Kind != ValueKind.Boolean)
            {
                Mismatch(operand.Position, $"'{op}' needs a condition (true/false), found {t}");
                return false;
            }

            return type is not null;
        }

        private CheckType? NumberOperand(CheckNode operand, string op)
        {
            var type = TypeOf(operand);
            if (type is { } t && t.Kind != ValueKind.Number)
            {
                Mismatch(operand.Position, $"{op} needs a number, found {t}");
                return null;
            }

            return type;
        }

        private CheckType? Binary(BinaryNode b)
        {
            if (b.Operator is CheckOperator.And or CheckOperator.Or)
            {
                var word = b.Operator == CheckOperator.And ? "and" : "or";
                var left = Condition(b.Left, word);
                var right = Condition(b.Right, word);
                return left && right ? CheckType.Boolean : null;
            }

            var l = TypeOf(b.Left);
            var r = TypeOf(b.Right);
            if (l is not { } lt || r is not { } rt)
            {
                return null;
            }

            return b.Operator switch
            {
                CheckOperator.Add or CheckOperator.Subtract => Additive(b, lt, rt),
                CheckOperator.Multiply => Multiply(b, lt, rt),
                CheckOperator.Divide => Divide(b, lt, rt),
                _ => Compare(b, lt, rt),
            };
        }

        private CheckType? Compare(BinaryNode b, CheckType l, CheckType r)
        {
            if (l.Kind != r.Kind)
            {
                Mismatch(b.Position, $"cannot compare {l} with {r}");
                return null;
            }

            if (l.Kind is ValueKind.Text or ValueKind.Boolean && b.Operator is not (CheckOperator.Equal or CheckOperator.NotEqual))
            {
                Mismatch(b.Position, $"{l} can only be compared with = or !=");
                return null;
            }

            if (l.Kind == ValueKind.Number && Unify(l, r) is null)
            {
                Mismatch(b.Position, $"cannot compare {l} with {r}: the units differ");
                return null;
            }

            return CheckType.Boolean;
        }

        private CheckType? Additive(BinaryNode b, CheckType l, CheckType r)
        {
            var sign = b.Operator == CheckOperator.Add ? "+" : "-";
            if (l.Kind == ValueKind.Number && r.Kind == ValueKind.Number)
            {
                if (Unify(l, r) is { } unified)
                {
                    return unified;
                }

                Mismatch(b.Position, $"cannot use {sign} on {l} and {r}: the units differ");
                return null;
            }

            if (l.Kind == ValueKind.Date && r.Kind == ValueKind.Date && b.Operator == CheckOperator.Subtract)
            {
                return CheckType.Number(CheckType.Days);
            }

            if (l.Kind == ValueKind.Date && r.Kind == ValueKind.Number && r.Unit is null or CheckType.Days)
            {
                return CheckType.Date;
            }

            Mismatch(b.Position, $"cannot use {sign} on {l} and {r} (a date minus a date is days; a date ± days(n) is a date)");
            return null;
        }

        private CheckType? Multiply(BinaryNode b, CheckType l, CheckType r)
        {
            if (l.Kind == ValueKind.Number && r.Kind == ValueKind.Number)
            {
                if (l.Unit is null or CheckType.Ratio)
                {
                    return r.Unit is null && l.Unit is not null ? l : r;
                }

                if (r.Unit is null or CheckType.Ratio)
                {
                    return l;
                }
            }

            Mismatch(b.Position, $"cannot multiply {l} by {r} (only by a plain number or a ratio)");
            return null;
        }

        private CheckType? Divide(BinaryNode b, CheckType l, CheckType r)
        {
            if (l.Kind == ValueKind.Number && r.Kind == ValueKind.Number)
            {
                if (r.Unit is null or CheckType.Ratio)
                {
                    return l;
                }

                if (l.Unit is not null && l.Unit == r.Unit)
                {
                    return CheckType.Number(CheckType.Ratio);
                }
            }

            Mismatch(b.Position, $"cannot divide {l} by {r} (a value divides by one with the same unit, giving a ratio, or by a plain number)");
            return null;
        }

        /// <summary>Two number types that can meet: the same unit, or a unit-less literal on one side.</summary>
        private static CheckType? Unify(CheckType l, CheckType r) =>
            l.Unit is null ? r : r.Unit is null ? l : l.Unit == r.Unit ? l : null;
    }
}
