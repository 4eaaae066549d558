using System.ComponentModel;
using Spectre.Console.Cli;
using Stroma.Data;

namespace Stroma.Cli.Commands;

/// <summary>Options shared by every command that opens the registry database.</summary>
public class DatabaseSettings : CommandSettings
{
    [CommandOption("-d|--database <DB>")]
    [Description("SQLite file path, or a PostgreSQL connection string (Host=...). Default: $STROMA_DATABASE, else stroma.db in the user's data folder.")]
    public string? Database { get; init; }

    [CommandOption("-u|--user <NAME>")]
    [Description("Who is acting, for the audit trail. Default: $STROMA_USER, else the operating-system user.")]
    public string? User { get; init; }

    internal DataConfiguration Configuration => DataConfiguration.Resolve(Database);

    internal string Actor => User ?? Environment.GetEnvironmentVariable("STROMA_USER") ?? Environment.UserName;
}
