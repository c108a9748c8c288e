namespace Community.Web.Infrastructure.Mail;

public static class MailSetup
{
    public static IServiceCollection AddMailOutbox(this IServiceCollection services, IConfiguration configuration, string contentRoot)
    {
        var options = configuration.GetSection(MailOptions.Section).Get<MailOptions>() ?? new MailOptions();
        services.AddSingleton(options);
        services.AddSingleton<OutboxSignal>();
        services.AddScoped<EmailOutbox>();
        services.AddSingleton<IMailTransport>(_ => string.IsNullOrWhiteSpace(options.SmtpHost)
            ? new PickupFolderMailTransport(options, Path.GetFullPath(Path.Combine(contentRoot, options.PickupFolder)))
            : new SmtpMailTransport(options));
        services.AddHostedService<OutboxDispatcher>();
        return services;
    }
}
