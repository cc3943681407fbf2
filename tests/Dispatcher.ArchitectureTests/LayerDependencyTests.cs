using System.Reflection;
using NetArchTest.Rules;

namespace Dispatcher.ArchitectureTests;

/// <summary>
/// Dependencies point inward: Api/Infrastructure → Application → Domain; Contracts stand alone. Checked twice:
/// on the compiled assembly references (catches a wrong project or package reference) and on the types'
/// dependencies (catches a wrong <c>using</c> through a transitive reference).
/// </summary>
public sealed class LayerDependencyTests
{
    private static readonly Assembly Domain = typeof(Dispatcher.Domain.Configurations.Configuration).Assembly;
    private static readonly Assembly Application = typeof(Dispatcher.Application.DependencyInjection).Assembly;
    private static readonly Assembly Infrastructure = typeof(Dispatcher.Infrastructure.DependencyInjection).Assembly;
    private static readonly Assembly Api = typeof(Dispatcher.Api.DependencyInjection).Assembly;
    private static readonly Assembly Contracts = typeof(Dispatcher.Contracts.RecordChanged).Assembly;

    private static readonly string[] Frameworks =
    [
        "Microsoft.AspNetCore", "Microsoft.Extensions", "Microsoft.Data", "MongoDB", "MassTransit", "RabbitMQ",
        "Refit", "FluentValidation", "Mediator", "Riok.Mapperly", "Swashbuckle", "Microsoft.EntityFrameworkCore",
    ];

    [Test]
    public void Domain_references_only_the_base_class_library()
    {
        ReferencedAssemblies(Domain).Should().OnlyContain(name => IsBaseClassLibrary(name));
    }

    [Test]
    public void Contracts_reference_only_the_base_class_library()
    {
        ReferencedAssemblies(Contracts).Should().OnlyContain(name => IsBaseClassLibrary(name));
    }

    [Test]
    public void Application_references_the_domain_and_no_outer_layer_or_adapter_technology()
    {
        var references = ReferencedAssemblies(Application);

        references.Should().Contain("Dispatcher.Domain");
        references.Should().NotContain(["Dispatcher.Infrastructure", "Dispatcher.Api", "Dispatcher.Contracts"]);
        references.Should().NotContain(name =>
            name.StartsWith("MongoDB") || name.StartsWith("MassTransit") || name.StartsWith("RabbitMQ")
            || name.StartsWith("Refit") || name.StartsWith("Microsoft.AspNetCore") || name.StartsWith("Microsoft.Data"));
    }

    [Test]
    public void Infrastructure_does_not_reference_the_api()
    {
        ReferencedAssemblies(Infrastructure).Should().NotContain("Dispatcher.Api");
    }

    [Test]
    public void Domain_types_depend_on_no_other_layer_and_no_framework()
    {
        var result = Types.InAssembly(Domain).ShouldNot()
            .HaveDependencyOnAny(["Dispatcher.Application", "Dispatcher.Infrastructure", "Dispatcher.Api", "Dispatcher.Contracts", .. Frameworks])
            .GetResult();

        result.IsSuccessful.Should().BeTrue("these types break the rule: {0}", Failing(result));
    }

    [Test]
    public void Application_types_depend_on_no_outer_layer()
    {
        var result = Types.InAssembly(Application).ShouldNot()
            .HaveDependencyOnAny("Dispatcher.Infrastructure", "Dispatcher.Api", "Microsoft.AspNetCore", "MongoDB", "MassTransit",
                "RabbitMQ", "Refit", "Microsoft.Data")
            .GetResult();

        result.IsSuccessful.Should().BeTrue("these types break the rule: {0}", Failing(result));
    }

    [Test]
    public void Contracts_types_depend_on_nothing_but_the_base_class_library()
    {
        var result = Types.InAssembly(Contracts).ShouldNot()
            .HaveDependencyOnAny(["Dispatcher.Domain", "Dispatcher.Application", "Dispatcher.Infrastructure", "Dispatcher.Api", .. Frameworks])
            .GetResult();

        result.IsSuccessful.Should().BeTrue("these types break the rule: {0}", Failing(result));
    }

    [Test]
    public void Contracts_are_public_records_in_one_stable_namespace()
    {
        var types = Contracts.GetExportedTypes();

        types.Should().NotBeEmpty();
        types.Should().OnlyContain(t => t.Namespace == "Dispatcher.Contracts");
        types.Where(t => t.IsClass).Should().OnlyContain(t => t.IsSealed && t.GetMethod("<Clone>$") != null,
            "message contracts are sealed records");
    }

    [Test]
    public void Infrastructure_types_do_not_depend_on_the_api()
    {
        var result = Types.InAssembly(Infrastructure).ShouldNot().HaveDependencyOn("Dispatcher.Api").GetResult();

        result.IsSuccessful.Should().BeTrue("these types break the rule: {0}", Failing(result));
    }

    private static List<string> ReferencedAssemblies(Assembly assembly) =>
        assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();

    private static bool IsBaseClassLibrary(string name) =>
        name is "netstandard" or "mscorlib" || name.StartsWith("System", StringComparison.Ordinal);

    private static string Failing(TestResult result) =>
        string.Join(", ", result.FailingTypeNames ?? []);
}
