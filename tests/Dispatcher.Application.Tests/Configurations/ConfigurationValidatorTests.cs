using Dispatcher.Application.Common.Behaviours;
using Dispatcher.Application.Common.Errors;
using Dispatcher.Application.Configurations.AddApps;
using Dispatcher.Application.Configurations.CreateConfiguration;
using Dispatcher.Application.Configurations.DeleteConfiguration;
using Dispatcher.Application.Configurations.GetConfiguration;
using Dispatcher.Application.Configurations.Models;
using Dispatcher.Application.Configurations.Provisioning;
using Dispatcher.Application.Configurations.RemoveApp;
using Dispatcher.Application.Configurations.ReplaceConfiguration;
using Dispatcher.Application.Configurations.UpdateApp;
using FluentValidation.Results;
using static Dispatcher.Application.Tests.Configurations.Inputs;

namespace Dispatcher.Application.Tests.Configurations;

public sealed class ConfigurationValidatorTests
{
    private const string FirstApp = "Input.Applications[0]";

    [Test]
    public void A_fully_valid_three_app_body_passes()
    {
        var result = Validate(ThreeApps());

        result.Errors.Should().BeEmpty();
    }

    [Test]
    public void A_nested_failure_names_its_full_property_path()
    {
        var snazzy = Snazzy() with { Inbound = Side(In("CREATE"), In("MERGE")) };

        FailedProperties(Body(snazzy, Wice())).Should().Equal($"{FirstApp}.Inbound.Flows[1].Operation");
    }

    [Test]
    public void An_outbound_connection_with_an_operation_fails()
    {
        var snazzy = Snazzy() with { Outbound = Side(Out() with { Operation = "CREATE" }) };

        FailedProperties(Body(snazzy)).Should().Equal($"{FirstApp}.Outbound.Flows[0].Operation");
    }

    [Test]
    public void An_inbound_connection_without_an_operation_fails()
    {
        var snazzy = Snazzy() with { Inbound = Side(In(null)) };

        FailedProperties(Body(snazzy)).Should().Equal($"{FirstApp}.Inbound.Flows[0].Operation");
    }

    [TestCase("CREATE,UPDATE")]
    [TestCase("create, delete")]
    public void An_inbound_operation_listing_several_names_fails(string operation)
    {
        var snazzy = Snazzy() with { Inbound = Side(In(operation)) };

        FailedProperties(Body(snazzy)).Should().Equal($"{FirstApp}.Inbound.Flows[0].Operation");
    }

    [TestCase("/api/v1/domains/5d9b/schemas/person")]
    [TestCase("schemas/person")]
    [TestCase("person")]
    public void A_schemaUri_that_is_not_absolute_fails(string schemaUri)
    {
        var snazzy = Snazzy() with { Outbound = Side(Out(schemaUri)) };

        FailedProperties(Body(snazzy)).Should().Equal($"{FirstApp}.Outbound.Flows[0].SchemaUri");
    }

    private static IEnumerable<TestCaseData> MalformedIds()
    {
        yield return Case("secretId", a => a with { SecretId = "secret" }, "SecretId");
        yield return Case("adapterComponentId of 23 digits", a => a with { AdapterComponentId = "5d2484d2a422ca001bda569" }, "AdapterComponentId");
        yield return Case("adapterComponentId with a non-hex digit", a => a with { AdapterComponentId = "5d2484d2a422ca001bda569g" }, "AdapterComponentId");
        yield return Case("app _id", a => a with { Id = "wice" }, "Id");
        yield return Case("connection _id", a => a with { Outbound = Side(Out() with { Id = "123" }) }, "Outbound.Flows[0].Id");

        static TestCaseData Case(string what, Func<AppInput, AppInput> change, string property) =>
            new TestCaseData(change, $"{FirstApp}.{property}").SetArgDisplayNames(what);
    }

    [TestCaseSource(nameof(MalformedIds))]
    public void An_id_that_is_not_24_hexadecimal_digits_fails(Func<AppInput, AppInput> change, string property) =>
        FailedProperties(Body(change(Wice()))).Should().Equal(property);

    [Test]
    public void AdapterComponentId_is_required_when_the_app_has_connections()
    {
        var wice = Wice() with { AdapterComponentId = null };

        FailedProperties(Body(wice)).Should().Equal($"{FirstApp}.AdapterComponentId");
    }

    [Test]
    public void AdapterComponentId_is_optional_for_an_app_without_connections()
    {
        var wice = Wice() with { AdapterComponentId = null, Outbound = Side(), Inbound = null };

        FailedProperties(Body(wice)).Should().BeEmpty();
    }

    [Test]
    public void An_applicationUid_appearing_twice_in_one_body_fails()
    {
        var body = Body(Wice(), Snazzy(), Wice() with { ApplicationName = "Wice CRM again" });

        FailedProperties(body).Should().Equal("Input.Applications");
    }

    [TestCase("[1,2]")]
    [TestCase("\"eu\"")]
    [TestCase("42")]
    public void Fields_must_be_a_json_object(string fields)
    {
        var wice = Wice() with { Fields = Json(fields) };

        FailedProperties(Body(wice)).Should().Equal($"{FirstApp}.Fields");
    }

    [Test]
    public void AddApps_with_an_empty_list_fails()
    {
        var result = new AddAppsValidator().Validate(new AddApps(AnyCaller, ValidId, []));

        result.Errors.Select(e => e.PropertyName).Should().Equal("Apps");
    }

    private static IEnumerable<TestCaseData> MalformedRouteIds()
    {
        const string Bad = "65f0000000000000000000a";
        yield return Case("replace id", () => new ReplaceConfigurationValidator().Validate(new ReplaceConfiguration(AnyCaller, Bad, ThreeApps())), "id");
        yield return Case("delete id", () => new DeleteConfigurationValidator().Validate(new DeleteConfiguration(AnyCaller, Bad)), "id");
        yield return Case("get id", () => new GetConfigurationValidator().Validate(new GetConfiguration(AnyCaller.Tenant, Bad)), "id");
        yield return Case("add apps id", () => new AddAppsValidator().Validate(new AddApps(AnyCaller, Bad, [Wice()])), "id");
        yield return Case("update app id", () => new UpdateAppValidator().Validate(new UpdateApp(AnyCaller, Bad, ValidId, new AppPatch())), "id");
        yield return Case("update app appId", () => new UpdateAppValidator().Validate(new UpdateApp(AnyCaller, ValidId, "wice", new AppPatch())), "appId");
        yield return Case("remove app id", () => new RemoveAppValidator().Validate(new RemoveApp(AnyCaller, Bad, ValidId)), "id");
        yield return Case("remove app appId", () => new RemoveAppValidator().Validate(new RemoveApp(AnyCaller, ValidId, "")), "appId");

        static TestCaseData Case(string what, Func<ValidationResult> validate, string property) =>
            new TestCaseData(validate, property).SetArgDisplayNames(what);
    }

    [TestCaseSource(nameof(MalformedRouteIds))]
    public void A_route_id_that_is_not_24_hexadecimal_digits_fails(Func<ValidationResult> validate, string property) =>
        validate().Errors.Select(e => e.PropertyName).Should().Equal(property);

    [Test]
    public async Task The_validation_behaviour_stops_an_invalid_CreateConfiguration_before_its_handler()
    {
        var behaviour = new ValidationBehaviour<CreateConfiguration, ConfigurationChangeResult>([new CreateConfigurationValidator()]);
        var command = new CreateConfiguration(AnyCaller, ThreeApps() with { Name = "" });
        var handled = false;

        var act = async () => await behaviour.Handle(command, (_, _) =>
        {
            handled = true;
            return ValueTask.FromResult(new ConfigurationChangeResult(null, []));
        }, CancellationToken.None);

        (await act.Should().ThrowAsync<RequestValidationException>())
            .Which.Failures.Select(f => f.PropertyName).Should().Equal("Input.Name");
        handled.Should().BeFalse();
    }

    private static ValidationResult Validate(ConfigurationInput input) =>
        new CreateConfigurationValidator().Validate(new CreateConfiguration(AnyCaller, input));

    private static IEnumerable<string> FailedProperties(ConfigurationInput input) =>
        Validate(input).Errors.Select(e => e.PropertyName);
}
