using Microsoft.Extensions.DependencyInjection;
using Spectre.Console.Cli;

namespace Stroma.Cli.Injection;

/// <summary>
/// Lets Spectre.Console.Cli build commands through Microsoft.Extensions.DependencyInjection, so a command receives its
/// services (<see cref="Io.CliIo"/>, <see cref="TimeProvider"/>) through its constructor. The shape follows
/// Spectre.Console's own example (examples/Cli/Injection/Infrastructure).
/// </summary>
internal sealed class TypeRegistrar(IServiceCollection services) : ITypeRegistrar
{
    public ITypeResolver Build() => new TypeResolver(services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true }));

    public void Register(Type service, Type implementation) => services.AddSingleton(service, implementation);

    public void RegisterInstance(Type service, object implementation) => services.AddSingleton(service, implementation);

    public void RegisterLazy(Type service, Func<object> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        services.AddSingleton(service, _ => factory());
    }
}

/// <summary>Resolves what <see cref="TypeRegistrar"/> registered; Spectre.Console.Cli disposes it after the command ran.</summary>
internal sealed class TypeResolver(ServiceProvider provider) : ITypeResolver, IDisposable
{
    public object? Resolve(Type? type) => type is null ? null : provider.GetService(type);

    public void Dispose() => provider.Dispose();
}
