using System.Globalization;
using Stroma.Clinical.Issues;

namespace Stroma.Clinical.Quality;

/// <summary>Binary operators of the rule language.</summary>
public enum CheckOperator
{
    Or,
    And,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
    Equal,
    NotEqual,
    Add,
    Subtract,
    Multiply,
    Divide,
}

/// <summary>
/// A parsed check expression (docs/data-quality.md "The rule language"). The tree is only ever walked by
/// <see cref="CheckCompiler"/> (types) and <see cref="CheckEvaluator"/> (values): nothing is generated or evaluated
/// as code. <see cref="Position"/> is the 1-based column where the node starts, for messages.
/// </summary>
public abstract record CheckNode(int Position);

public sealed record NumberLiteral(decimal Value, int Position) : CheckNode(Position);

public sealed record TextLiteral(string Value, int Position) : CheckNode(Position);

public sealed record BooleanLiteral(bool Value, int Position) : CheckNode(Position);

public sealed record DateLiteral(DateOnly Value, int Position) : CheckNode(Position);

/// <summary>A number of days, written <c>days(30)</c>: a number in the unit <c>d</c>, to add to or subtract from a date.</summary>
public sealed record DaysLiteral(decimal Value, int Position) : CheckNode(Position);

public sealed record FieldReference(string Path, int Position) : CheckNode(Position);

public sealed record BinaryNode(CheckOperator Operator, CheckNode Left, CheckNode Right, int Position) : CheckNode(Position);

public sealed record NotNode(CheckNode Operand, int Position) : CheckNode(Position);

public sealed record NegateNode(CheckNode Operand, int Position) : CheckNode(Position);

public sealed record AbsNode(CheckNode Operand, int Position) : CheckNode(Position);

/// <summary><c>field is missing</c> (<see cref="Missing"/> true) or <c>field is present</c>.</summary>
public sealed record PresenceNode(FieldReference Field, bool Missing, int Position) : CheckNode(Position);

/// <summary>
/// The parser of the rule language: a tokenizer and a recursive-descent parser over this grammar
/// (lowest precedence first):
/// <code>
/// expr    = and { "or" and }
/// and     = not { "and" not }
/// not     = "not" not | compare
/// compare = sum [ ("&lt;" | "&lt;=" | "&gt;" | "&gt;=" | "=" | "!=") sum | "is" ("missing" | "present") ]
/// sum     = product { ("+" | "-") product }
/// product = unary { ("*" | "/") unary }
/// unary   = "-" unary | primary
/// primary = number | 'text' | true | false | field | abs(expr) | days(number) | date('yyyy-mm-dd') | "(" expr ")"
/// field   = name { "." name }          name = [a-z_][a-z0-9_]*
/// </code>
/// </summary>
public static class CheckParser
{
    private const int MaxLength = 2000;
    private const int MaxDepth = 64;

    /// <summary>Parses <paramref name="text"/>; issues (<see cref="IssueCodes.CheckSyntax"/>) carry <paramref name="path"/>.</summary>
    public static (CheckNode? Node, IReadOnlyList<Issue> Issues) Parse(string text, string path)
    {
        Preconditions.NotNull(text);
        if (string.IsNullOrWhiteSpace(text))
        {
            return (null, [Issue.Error(IssueCodes.CheckSyntax, path, "The check expression is empty.")]);
        }

        if (text.Length > MaxLength)
        {
            return (null, [Issue.Error(IssueCodes.CheckSyntax, path, $"The check expression is {text.Length} characters long; at most {MaxLength} are accepted.")]);
        }

        var (tokens, error) = Tokenize(text);
        if (error is not null)
        {
            return (null, [Issue.Error(IssueCodes.CheckSyntax, path, error)]);
        }

        var parser = new Parser(tokens);
        try
        {
            var node = parser.Expression(0);
            if (parser.Current.Kind != TokenKind.End)
            {
                throw new SyntaxException(parser.Current, "expected an operator (and, or, <, =, +, …) or the end of the expression");
            }

            return (node, []);
        }
        catch (SyntaxException ex)
        {
            return (null, [Issue.Error(IssueCodes.CheckSyntax, path, ex.Message)]);
        }
    }

    private enum TokenKind
    {
        Number,
        Text,
        Name,
        Symbol,
        End,
    }

    private sealed record Token(TokenKind Kind, string Text, int Position)
    {
        public string Describe() => Kind == TokenKind.End ? "the end of the expression" : $"'{Text}'";
    }

    private sealed class SyntaxException(Token token, string expected)
        : Exception($"Column {token.Position.ToString(CultureInfo.InvariantCulture)}: found {token.Describe()}, {expected}.");

    private static (List<Token> Tokens, string? Error) Tokenize(string text)
    {
        var tokens = new List<Token>();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            var start = i + 1;
            if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (char.IsAsciiDigit(c) || (c == '.' && i + 1 < text.Length && char.IsAsciiDigit(text[i + 1])))
            {
                while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] == '.'))
                {
                    i++;
                }

                tokens.Add(new Token(TokenKind.Number, text[(start - 1)..i], start));
            }
            else if (char.IsAsciiLetterLower(c) || c == '_')
            {
                while (i < text.Length && (char.IsAsciiLetterLower(text[i]) || char.IsAsciiDigit(text[i]) || text[i] is '_' or '.'))
                {
                    i++;
                }

                tokens.Add(new Token(TokenKind.Name, text[(start - 1)..i], start));
            }
            else if (c == '\'')
            {
                var end = text.IndexOf('\'', i + 1);
                if (end < 0)
                {
                    return (tokens, $"Column {start}: the text starting here has no closing quote (').");
                }

                tokens.Add(new Token(TokenKind.Text, text[(i + 1)..end], start));
                i = end + 1;
            }
            else if (i + 1 < text.Length && text.Substring(i, 2) is "<=" or ">=" or "!=")
            {
                tokens.Add(new Token(TokenKind.Symbol, text.Substring(i, 2), start));
                i += 2;
            }
            else if ("<>=+-*/(),".Contains(c, StringComparison.Ordinal))
            {
                tokens.Add(new Token(TokenKind.Symbol, c.ToString(), start));
                i++;
            }
            else
            {
                var hint = char.IsAsciiLetterUpper(c) ? " (names are lower case)" : c == '"' ? " (text is written in single quotes)" : "";
                return (tokens, $"Column {start}: the character '{c}' is not part of the rule language{hint}.");
            }
        }

        tokens.Add(new Token(TokenKind.End, "", text.Length + 1));
        return (tokens, null);
    }

    private sealed class Parser(List<Token> tokens)
    {
        private int _index;

        public Token Current => tokens[_index];

        private Token Next() => tokens[_index++];

        private bool Accept(string text)
        {
            if (Current.Kind is TokenKind.Symbol or TokenKind.Name && Current.Text == text)
            {
                _index++;
                return true;
            }

            return false;
        }

        private void Expect(string text, string what)
        {
            if (!Accept(text))
            {
                throw new SyntaxException(Current, $"expected {what}");
            }
        }

        private static void Depth(int depth, Token at)
        {
            if (depth > MaxDepth)
            {
                throw new SyntaxException(at, $"the expression nests deeper than {MaxDepth} levels");
            }
        }

        public CheckNode Expression(int depth)
        {
            Depth(depth, Current);
            var left = And(depth);
            while (Current.Text == "or" && Current.Kind == TokenKind.Name)
            {
                var at = Next();
                left = new BinaryNode(CheckOperator.Or, left, And(depth), at.Position);
            }

            return left;
        }

        private CheckNode And(int depth)
        {
            var left = Not(depth);
            while (Current.Text == "and" && Current.Kind == TokenKind.Name)
            {
                var at = Next();
                left = new BinaryNode(CheckOperator.And, left, Not(depth), at.Position);
            }

            return left;
        }

        private CheckNode Not(int depth)
        {
            Depth(depth, Current);
            if (Current.Text == "not" && Current.Kind == TokenKind.Name)
            {
                var at = Next();
                return new NotNode(Not(depth + 1), at.Position);
            }

            return Compare(depth);
        }

        private CheckNode Compare(int depth)
        {
            var left = Sum(depth);
            if (Current.Kind == TokenKind.Name && Current.Text == "is")
            {
                var at = Next();
                var missing = Current.Text == "missing";
                if (Current.Kind != TokenKind.Name || (Current.Text != "missing" && Current.Text != "present"))
                {
                    throw new SyntaxException(Current, "expected 'missing' or 'present' after 'is'");
                }

                Next();
                if (left is not FieldReference field)
                {
                    throw new SyntaxException(at, "'is missing' and 'is present' follow a field name");
                }

                return new PresenceNode(field, missing, field.Position);
            }

            CheckOperator? op = Current.Kind != TokenKind.Symbol ? null : Current.Text switch
            {
                "<" => CheckOperator.Less,
                "<=" => CheckOperator.LessOrEqual,
                ">" => CheckOperator.Greater,
                ">=" => CheckOperator.GreaterOrEqual,
                "=" => CheckOperator.Equal,
                "!=" => CheckOperator.NotEqual,
                _ => null,
            };
            if (op is null)
            {
                return left;
            }

            var token = Next();
            return new BinaryNode(op.Value, left, Sum(depth), token.Position);
        }

        private CheckNode Sum(int depth)
        {
            var left = Product(depth);
            while (Current.Kind == TokenKind.Symbol && Current.Text is "+" or "-")
            {
                var at = Next();
                left = new BinaryNode(at.Text == "+" ? CheckOperator.Add : CheckOperator.Subtract, left, Product(depth), at.Position);
            }

            return left;
        }

        private CheckNode Product(int depth)
        {
            var left = Unary(depth);
            while (Current.Kind == TokenKind.Symbol && Current.Text is "*" or "/")
            {
                var at = Next();
                left = new BinaryNode(at.Text == "*" ? CheckOperator.Multiply : CheckOperator.Divide, left, Unary(depth), at.Position);
            }

            return left;
        }

        private CheckNode Unary(int depth)
        {
            Depth(depth, Current);
            if (Current.Kind == TokenKind.Symbol && Current.Text == "-")
            {
                var at = Next();
                return new NegateNode(Unary(depth + 1), at.Position);
            }

            return Primary(depth);
        }

        private CheckNode Primary(int depth)
        {
            var token = Current;
            switch (token.Kind)
            {
                case TokenKind.Number:
                    Next();
                    return new NumberLiteral(Number(token), token.Position);
                case TokenKind.Text:
                    Next();
                    return new TextLiteral(token.Text, token.Position);
                case TokenKind.Symbol when token.Text == "(":
                    {
                        Next();
                        var inner = Expression(depth + 1);
                        Expect(")", "')' to close the '(' at column " + token.Position.ToString(CultureInfo.InvariantCulture));
                        return inner;
                    }

                case TokenKind.Name:
                    return Name(depth, token);
                default:
                    throw new SyntaxException(token, "expected a field, a number, 'text', true, false or '('");
            }
        }

        private CheckNode Name(int depth, Token token)
        {
            Next();
            switch (token.Text)
            {
                case "true":
                    return new BooleanLiteral(true, token.Position);
                case "false":
                    return new BooleanLiteral(false, token.Position);
                case "and" or "or" or "not" or "is" or "missing" or "present":
                    throw new SyntaxException(token, "expected a field, a number, 'text', true, false or '('");
                case "abs" or "days" or "date" when Current.Kind == TokenKind.Symbol && Current.Text == "(":
                    {
                        Next();
                        CheckNode result;
                        if (token.Text == "abs")
                        {
                            result = new AbsNode(Expression(depth + 1), token.Position);
                        }
                        else if (token.Text == "days")
                        {
                            var n = Current;
                            if (n.Kind != TokenKind.Number)
                            {
                                throw new SyntaxException(n, "days(…) takes a whole number of days, e.g. days(30)");
                            }

                            Next();
                            var value = Number(n);
                            if (value != decimal.Truncate(value))
                            {
                                throw new SyntaxException(n, "days(…) takes a whole number of days");
                            }

                            result = new DaysLiteral(value, token.Position);
                        }
                        else
                        {
                            var d = Current;
                            if (d.Kind != TokenKind.Text || !DateOnly.TryParseExact(d.Text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
                            {
                                throw new SyntaxException(d, "date(…) takes a date in quotes, e.g. date('2024-01-31')");
                            }

                            Next();
                            result = new DateLiteral(date, token.Position);
                        }

                        Expect(")", "')' to close " + token.Text + "(");
                        return result;
                    }

                default:
                    if (token.Text.EndsWith('.') || token.Text.Contains("..", StringComparison.Ordinal))
                    {
                        throw new SyntaxException(token, "a field name is parts joined by single dots, e.g. ae.onset");
                    }

                    return new FieldReference(token.Text, token.Position);
            }
        }

        private static decimal Number(Token token) =>
            decimal.TryParse(token.Text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value)
                ? value
                : throw new SyntaxException(token, "expected a number such as 20 or 0.25");
    }
}
