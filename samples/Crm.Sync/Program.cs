using Crm.Sync;

// The CRM team's sync worker. Settings: CrmSync:DispatcherUrl, DispatcherToken, RabbitMqUrl, Queue, ConfigurationName.
// A real worker would also read the CRM's change feed and call CrmChangePublisher.PublishAsync for each change.
var builder = Host.CreateApplicationBuilder(args);
builder.Services.AddCrmSync(builder.Configuration);
builder.Build().Run();
