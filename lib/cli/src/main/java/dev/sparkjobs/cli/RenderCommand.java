package dev.sparkjobs.cli;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

import dev.sparkjobs.api.InputSpec;
import dev.sparkjobs.api.Job;
import dev.sparkjobs.api.JobConfig;
import dev.sparkjobs.config.ConfigLoader;
import dev.sparkjobs.errors.Errors;
import dev.sparkjobs.internal.deploy.DeploymentSettings;
import dev.sparkjobs.internal.deploy.SparkSubmitRenderer;
import dev.sparkjobs.internal.deploy.StartJobRunRenderer;
import dev.sparkjobs.internal.deploy.Submission;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code render emr-on-eks|spark-submit JOB --date D}: how to submit a run, printed, never submitted. */
@Command(name = "render", description = "Print how to submit a run: a StartJobRun request for EMR on EKS, or a spark-submit command line.")
final class RenderCommand
        implements Runnable
{
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    static CommandLine create(Cli cli)
    {
        return new CommandLine(new RenderCommand())
                .addSubcommand("emr-on-eks", new EmrOnEks(cli))
                .addSubcommand("spark-submit", new SparkSubmit(cli));
    }

    @Override
    public void run()
    {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The options both forms share. */
    abstract static class Base
            implements Callable<Integer>
    {
        final Cli cli;

        @Parameters(index = "0", paramLabel = "JOB", description = "Job name (see 'list').")
        String jobName;

        @Option(names = "--date", required = true, paramLabel = "YYYY-MM-DD", description = "Logical date of the run (Airflow's {{ ds }}).")
        String date;

        @Option(names = "--env", defaultValue = "dev", paramLabel = "NAME", description = "Environment: conf/env/NAME.conf holds the emr.* values (default: ${DEFAULT-VALUE}).")
        String env;

        @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Set a key relative to the job (repeatable); passed on to the run, except emr.* keys, which only shape the request.")
        List<String> settings = new ArrayList<>();

        Base(Cli cli)
        {
            this.cli = requireNonNull(cli, "cli is null");
        }

        /** @param form what is rendered, for the refusal of a secret: "a StartJobRun request" or "a spark-submit command" */
        Submission submission(String form)
        {
            Job job = cli.registry().get().get(jobName);
            JobConfig config = new ConfigLoader(cli.configSource().get(), cli.registry().get().jobs())
                    .load(new ConfigLoader.Request(job.name(), env, Optional.empty(), settings));
            for (InputSpec input : job.inputs()) {
                if (input.isRequired() && config.raw(input.key()).map(String::isBlank).orElse(true)) {
                    cli.err().println("WARNING: input " + input.key() + " of " + job.name() + " is not set for environment " + env
                            + "; the run will stop at once unless you set it in conf/env/" + env + ".conf (jobs." + job.name() + "."
                            + input.key() + "), conf/jobs/" + job.name() + ".conf or with --set " + input.key() + "=s3a://...");
                }
            }
            Submission submission = new Submission(job.name(), Cli.parseDate(date), env, settings, config);
            List<String> secrets = submission.forwardedSecrets();
            if (!secrets.isEmpty()) {
                throw Errors.secretInSubmission(form, secrets, env);
            }
            return submission;
        }
    }

    @Command(name = "emr-on-eks", description = "Print the StartJobRun request (JSON for 'aws emr-containers start-job-run --cli-input-json file://...').")
    static final class EmrOnEks
            extends Base
    {
        EmrOnEks(Cli cli)
        {
            super(cli);
        }

        @Override
        public Integer call()
        {
            Submission submission = submission("a StartJobRun request");
            DeploymentSettings deployment = DeploymentSettings.forEmrOnEks(submission.config(), env, "render a StartJobRun request");
            var request = StartJobRunRenderer.render(submission, deployment);
            var violations = new dev.sparkjobs.internal.deploy.RequestValidator(dev.sparkjobs.internal.deploy.ServiceModel.emrContainers())
                    .validate("StartJobRun", request);
            if (!violations.isEmpty()) {
                throw Errors.requestRejectedByServiceModel(submission.job(), env, violations.stream().map(String::valueOf).toList());
            }
            cli.out().println(StartJobRunRenderer.toJson(request));
            return 0;
        }
    }

    @Command(name = "spark-submit", description = "Print the equivalent spark-submit command: on Kubernetes (cluster mode), or with --master local[N] inside the job image.")
    static final class SparkSubmit
            extends Base
    {
        @Option(names = "--master", paramLabel = "MASTER", description = "local[N] for a run inside the image; default: k8s://<emr.kubernetes-api-url>.")
        String master;

        SparkSubmit(Cli cli)
        {
            super(cli);
        }

        @Override
        public Integer call()
        {
            Submission submission = submission("a spark-submit command");
            List<String> command;
            if (master == null || master.startsWith("k8s://")) {
                Optional<String> apiUrl = Optional.ofNullable(master).map(given -> given.substring("k8s://".length()));
                command = SparkSubmitRenderer.kubernetes(submission,
                        DeploymentSettings.forKubernetes(submission.config(), env, "render a spark-submit command for Kubernetes", apiUrl));
            }
            else if (master.startsWith("local")) {
                command = SparkSubmitRenderer.local(submission, master);
            }
            else {
                throw Errors.unsupportedMaster(master, env);
            }
            cli.out().println(SparkSubmitRenderer.toShell(command));
            return 0;
        }
    }
}
