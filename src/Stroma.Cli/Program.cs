using Stroma.Cli;
using Stroma.Cli.Io;

return StromaCli.Run(args, CliIo.FromConsole());
