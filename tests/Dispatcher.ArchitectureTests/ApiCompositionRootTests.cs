using System.Reflection;
using NetArchTest.Rules;

namespace Dispatcher.ArchitectureTests;

/// <summary>
/// Only the API's composition root may know Infrastructure types: controllers and the HTTP edge send commands and
/// queries or call Application ports. NetArchTest reads the IL with Mono.Cecil, so a type counts as referenced when it
/// appears anywhere a compiled type can name it: base types, fields, properties, signatures, attributes, generic
/// arguments and method bodies (including the state machines of async methods and the closures of lambdas, which are
/// nested types of the method's type).
/// </summary>
public sealed class ApiCompositionRootTests
{
    private static readonly Assembly Api = typeof(Dispatcher.Api.DependencyInjection).Assembly;

    /// <summary>
    /// The composition root, by full type name: <c>Program.cs</c> (top-level statements) and <c>DependencyInjection.cs</c>
    /// (<c>AddApi</c>).
    /// </summary>
    internal static readonly string[] CompositionRoot =
    [
        "Program",
        "Dispatcher.Api.DependencyInjection",
    ];

    [Test]
    public void Only_the_composition_root_references_infrastructure_types()
    {
        var offenders = TypesReferencingInfrastructure(Api).Where(name => !IsCompositionRoot(name)).ToList();

        offenders.Should().BeEmpty("controllers and the HTTP edge use Application ports, not Infrastructure types; offenders: {0}", string.Join(", ", offenders));
    }

    [Test]
    public void The_composition_root_types_exist()
    {
        // Guards the allow-list against renames: a listed type that no longer exists would silently allow nothing.
        CompositionRoot.Should().OnlyContain(name => Api.GetType(name) != null);
    }

    [Test]
    public void The_check_sees_references_inside_async_method_bodies()
    {
        // This assembly's own fixture resolves an Infrastructure type only inside an async method (as the controllers
        // did with IServiceProvider.GetService<…>()); the rule must see it.
        var offenders = TypesReferencingInfrastructure(typeof(ApiCompositionRootTests).Assembly);

        offenders.Should().Contain(name => name.StartsWith(typeof(Fixtures.ResolvesAnAdapterInAnAsyncMethod).FullName!, StringComparison.Ordinal));
        offenders.Should().NotContain(name => name.StartsWith(typeof(Fixtures.UsesOnlyApplicationPorts).FullName!, StringComparison.Ordinal));
    }

    /// <summary>Full names of the types of <paramref name="assembly"/> (nested ones too) that reference Infrastructure.</summary>
    internal static IReadOnlyList<string> TypesReferencingInfrastructure(Assembly assembly)
    {
        var result = Types.InAssembly(assembly).ShouldNot().HaveDependencyOn("Dispatcher.Infrastructure").GetResult();
        return result.FailingTypeNames?.ToList() ?? [];
    }

    // Nested types (an async method's state machine, a lambda's closure) belong to the type they are nested in.
    private static bool IsCompositionRoot(string fullName)
    {
        var outer = fullName.Split('/', '+')[0];
        return CompositionRoot.Contains(outer, StringComparer.Ordinal);
    }
}
