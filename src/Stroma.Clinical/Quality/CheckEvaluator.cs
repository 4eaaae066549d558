namespace Stroma.Clinical.Quality;

/// <summary>
/// Runs a type-checked expression over one record's field values. Missing values make a comparison unknown and
/// unknown propagates through <c>and</c>/<c>or</c>/<c>not</c> by Kleene's three-valued logic (false and unknown is
/// false; true or unknown is true); a check finds a discrepancy only when its condition is true, so a missing value
/// never fires a range or cross-field check (that is what <c>is missing</c> and required-when checks are for).
/// Division by zero and overflow give unknown.
/// </summary>
public static class CheckEvaluator
{
    /// <summary>True, false, or null (unknown) for a condition.</summary>
    public static bool? IsTrue(CheckNode node, IReadOnlyDictionary<string, FieldValue> values)
    {
        Preconditions.NotNull(node);
        Preconditions.NotNull(values);
        var v = Evaluate(node, values);
        return v.IsPresent && v.Kind == ValueKind.Boolean ? v.BooleanValue : null;
    }

    /// <summary>The value of any expression.</summary>
    public static FieldValue Evaluate(CheckNode node, IReadOnlyDictionary<string, FieldValue> values)
    {
        Preconditions.NotNull(values);
        try
        {
            return Eval(node, values);
        }
        catch (OverflowException)
        {
            return FieldValue.Missing;
        }
    }

    private static FieldValue Eval(CheckNode node, IReadOnlyDictionary<string, FieldValue> values) => node switch
    {
        NumberLiteral n => FieldValue.Of(n.Value),
        DaysLiteral d => FieldValue.Of(d.Value),
        TextLiteral t => FieldValue.Of(t.Value),
        BooleanLiteral b => FieldValue.Of(b.Value),
        DateLiteral d => FieldValue.Of(d.Value),
        FieldReference f => values.GetValueOrDefault(f.Path),
        PresenceNode p => FieldValue.Of(values.GetValueOrDefault(p.Field.Path).IsPresent != p.Missing),
        NotNode n => Eval(n.Operand, values) is { IsPresent: true } v ? FieldValue.Of(!v.BooleanValue) : FieldValue.Missing,
        NegateNode n => Eval(n.Operand, values) is { IsPresent: true } v ? FieldValue.Of(-v.NumberValue) : FieldValue.Missing,
        AbsNode a => Eval(a.Operand, values) is { IsPresent: true } v ? FieldValue.Of(Math.Abs(v.NumberValue)) : FieldValue.Missing,
        BinaryNode b => Binary(b, values),
        _ => throw new ArgumentOutOfRangeException(nameof(node), node, null),
    };

    private static FieldValue Binary(BinaryNode b, IReadOnlyDictionary<string, FieldValue> values)
    {
        if (b.Operator is CheckOperator.And or CheckOperator.Or)
        {
            var l = Truth(Eval(b.Left, values));
            var r = Truth(Eval(b.Right, values));
            return b.Operator == CheckOperator.And
                ? FieldValue.Of(l == false || r == false ? false : l == true && r == true ? true : null)
                : FieldValue.Of(l == true || r == true ? true : l == false && r == false ? false : null);
        }

        var left = Eval(b.Left, values);
        var right = Eval(b.Right, values);
        if (!left.IsPresent || !right.IsPresent)
        {
            return FieldValue.Missing;
        }

        return b.Operator switch
        {
            CheckOperator.Add when left.Kind == ValueKind.Date => FieldValue.Of(left.DateValue.AddDays(checked((int)right.NumberValue))),
            CheckOperator.Subtract when left.Kind == ValueKind.Date && right.Kind == ValueKind.Date =>
                FieldValue.Of((decimal)(left.DateValue.DayNumber - right.DateValue.DayNumber)),
            CheckOperator.Subtract when left.Kind == ValueKind.Date => FieldValue.Of(left.DateValue.AddDays(-checked((int)right.NumberValue))),
            CheckOperator.Add => FieldValue.Of(left.NumberValue + right.NumberValue),
            CheckOperator.Subtract => FieldValue.Of(left.NumberValue - right.NumberValue),
            CheckOperator.Multiply => FieldValue.Of(left.NumberValue * right.NumberValue),
            CheckOperator.Divide => right.NumberValue == 0m ? FieldValue.Missing : FieldValue.Of(left.NumberValue / right.NumberValue),
            _ => FieldValue.Of(Compare(b.Operator, Order(left, right))),
        };
    }

    private static bool? Truth(FieldValue v) => v.IsPresent && v.Kind == ValueKind.Boolean ? v.BooleanValue : null;

    private static int Order(FieldValue l, FieldValue r) => l.Kind switch
    {
        ValueKind.Number => l.NumberValue.CompareTo(r.NumberValue),
        ValueKind.Date => l.DateValue.CompareTo(r.DateValue),
        ValueKind.Boolean => l.BooleanValue.CompareTo(r.BooleanValue),
        _ => string.Compare(l.TextValue, r.TextValue, StringComparison.OrdinalIgnoreCase),
    };

    private static bool Compare(CheckOperator op, int order) => op switch
    {
        CheckOperator.Less => order < 0,
        CheckOperator.LessOrEqual => order <= 0,
        CheckOperator.Greater => order > 0,
        CheckOperator.GreaterOrEqual => order >= 0,
        CheckOperator.Equal => order == 0,
        CheckOperator.NotEqual => order != 0,
        _ => throw new ArgumentOutOfRangeException(nameof(op), op, null),
    };
}
