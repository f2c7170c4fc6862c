package dev.sparkjobs.errors;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The one place where user-facing errors are built. Each message says what went wrong, why, and
 * how to fix it, naming the key, file, table or column involved.
 */
public final class Errors
{
    private Errors() {}

    // ---- bad usage or configuration: exit 2

    public static SparkJobsException invalidDate(String raw)
    {
        return usage("Cannot run: --date '" + raw + "' is not a calendar date. Use the form YYYY-MM-DD, e.g. --date 2024-09-30.");
    }

    public static SparkJobsException invalidSetting(String raw)
    {
        return usage("Cannot apply --set '" + raw + "': it has no '='. Use --set key=value, e.g. --set output.root=s3a://my-lake/.");
    }

    public static SparkJobsException unknownJob(String name, Collection<String> known, String hint)
    {
        return usage("Unknown job '" + name + "'" + hint + ". Known jobs: " + String.join(", ", known) + " ('spark-jobs list' describes them).");
    }

    public static SparkJobsException emptyRegistry()
    {
        return failure("Cannot start: no job is registered. The application jar must list its jobs in "
                + "META-INF/services/dev.sparkjobs.api.Job; rebuild it with './mvnw package' or check the --class and jar given to spark-submit.", null);
    }

    public static SparkJobsException duplicateJob(String name, Collection<String> classes, Collection<String> known)
    {
        return failure("Cannot start: job name '" + name + "' is registered by more than one class: " + String.join(", ", classes)
                + ". Each job needs a unique name; known jobs: " + String.join(", ", known) + ".", null);
    }

    public static SparkJobsException invalidJobDefinition(String jobClass, String problem)
    {
        return failure("Cannot load job " + jobClass + ": " + problem + ". Fix the job's declaration.", null);
    }

    public static SparkJobsException unknownEnvironment(String env, Collection<String> available, String where)
    {
        return usage("Unknown environment '" + env + "': there is no env/" + env + ".conf in " + where
                + ". Available environments: " + String.join(", ", available) + ". Pass one with --env NAME.");
    }

    public static SparkJobsException configFileNotFound(String path)
    {
        return usage("Cannot read configuration: file " + path + " does not exist. Check the path given to --conf.");
    }

    public static SparkJobsException unreadableConfigFile(String where, Throwable cause)
    {
        return new SparkJobsException(ExitCode.USAGE, "Cannot read configuration " + where + ": " + cause.getMessage()
                + ". Fix the HOCON syntax (https://github.com/lightbend/config/blob/main/HOCON.md).", cause);
    }

    public static SparkJobsException invalidConfiguration(String job, List<String> problems)
    {
        return usage("Invalid configuration for job " + job + ":\n"
                + problems.stream().map(problem -> "  - " + problem).collect(Collectors.joining("\n"))
                + "\nRun 'spark-jobs describe " + job + "' for every key with its default and description.");
    }

    public static SparkJobsException missingInput(String job, String key)
    {
        return usage("Cannot run " + job + ": input " + key + " is not set. Point it at a folder or file, e.g. --set "
                + key + "=s3a://bucket/prefix/ (or file:///data/...), or in conf/jobs/" + job + ".conf.");
    }

    public static SparkJobsException inputNotFound(String key, String location, String reason)
    {
        return usage("Cannot read input " + key + ": " + location + " " + reason + ". Check the value of " + key + ".");
    }

    public static SparkJobsException unknownInputFormat(String key, String file)
    {
        return usage("Cannot read input " + key + ": cannot tell the format of " + file
                + " from its name. Use files ending in .parquet, .csv, .csv.gz, .json, .jsonl or .ndjson.");
    }

    public static SparkJobsException mixedInputFormats(String key, String location, Collection<String> formats)
    {
        return usage("Cannot read input " + key + ": " + location + " holds files of several formats (" + String.join(", ", formats)
                + "). Put each format under its own prefix and point " + key + " at one of them.");
    }

    /** An input lacks columns the job needs: the data does not have the expected shape. */
    public static SparkJobsException missingInputColumns(String key, String file, Collection<String> missing, String expectation)
    {
        return usage("Cannot read input " + key + ": column" + (missing.size() == 1 ? " " : "s ") + String.join(", ", missing)
                + (missing.size() == 1 ? " is" : " are") + " missing in " + file + " (" + expectation + ").");
    }

    public static SparkJobsException invalidInput(String key, String problem, String fix)
    {
        return usage("Cannot read input " + key + ": " + problem + ". " + fix);
    }

    /** A secret would travel in plain text in a rendered StartJobRun request or spark-submit command line. */
    public static SparkJobsException secretInSubmission(String form, Collection<String> keys, String env)
    {
        return usage("Cannot render " + form + ": " + String.join(", ", keys) + (keys.size() == 1 ? " holds a secret" : " hold secrets")
                + ", and " + form + " carries " + (keys.size() == 1 ? "its value" : "their values") + " in plain text (anyone allowed to call "
                + "DescribeJobRun, the Airflow logs and the process list would see " + (keys.size() == 1 ? "it" : "them") + "). "
                + "Leave secrets out of the submission: on AWS, grant the job's execution role access to the buckets (IRSA) and set no keys; "
                + "for an S3-compatible server, read the key from an environment variable in conf/env/" + env + ".conf "
                + "(e.g. s3.secret-key = ${?S3_SECRET_KEY}) and set that variable in the pods from a Kubernetes secret.");
    }

    public static SparkJobsException confDirNotAFolder(String variable, String property, String configured)
    {
        return usage("Cannot read configuration: " + variable + " (or -D" + property + ") is " + configured
                + ", which is not a folder. Point it at the project's conf/ folder or unset it.");
    }

    /** Deployment values (emr.*) of an environment are missing or malformed. */
    public static SparkJobsException invalidDeployment(String command, String env, List<String> problems, String firstKey)
    {
        return usage("Cannot " + command + " for environment " + env + ":\n"
                + problems.stream().map(problem -> "  - " + problem).collect(Collectors.joining("\n"))
                + "\nSet " + (problems.size() == 1 ? "it" : "them") + " in conf/env/" + env + ".conf (e.g. " + firstKey
                + " = \"...\"), or pass --set KEY=VALUE.");
    }

    public static SparkJobsException requestRejectedByServiceModel(String job, String env, List<String> violations)
    {
        return usage("Cannot render a StartJobRun request for " + job + " in environment " + env + ": the AWS EMR on EKS API would reject it:\n"
                + violations.stream().map(violation -> "  - " + violation).collect(Collectors.joining("\n"))
                + "\nFix the emr.* values in conf/env/" + env + ".conf (or the --set values) that feed these members.");
    }

    public static SparkJobsException unsupportedMaster(String master, String env)
    {
        return usage("Cannot render spark-submit: --master '" + master + "' is neither local[N] nor k8s://https://<EKS API server>. "
                + "Leave it out to use emr.kubernetes-api-url of conf/env/" + env + ".conf.");
    }

    public static SparkJobsException unsupportedExportFormat(String format)
    {
        return usage("Cannot export: --format '" + format + "' is not supported. Use --format csv or --format json.");
    }

    public static SparkJobsException noSampleData(String job)
    {
        return usage("Cannot generate sample data: job " + job + " has no sample-data generator. Give it real inputs with --set input.<name>=URI.");
    }

    public static SparkJobsException invalidSampleScale(int scale)
    {
        return usage("Cannot generate sample data: --scale must be at least 1, got " + scale + ".");
    }

    public static SparkJobsException invalidSampleParameter(String name, String value, int example)
    {
        return usage("Cannot generate sample data: parameter " + name + " is '" + value + "', expected a whole number, e.g. --param " + name + "=" + example + ".");
    }

    /** A file of an input does not have the columns of any format the job reads. */
    public static SparkJobsException unrecognisedInputFile(String key, String file, Map<String, Collection<String>> expectedColumnsByFormat, String found)
    {
        return usage("Cannot read input " + key + ": " + file + " is neither " + expectedColumnsByFormat.keySet().stream()
                .map(format -> ("AEIOU".indexOf(format.charAt(0)) >= 0 ? "an " : "a ") + format).collect(Collectors.joining(" nor ")) + " export. Expected the columns "
                + expectedColumnsByFormat.entrySet().stream().map(format -> String.join(", ", format.getValue()) + " (" + format.getKey() + ")")
                        .collect(Collectors.joining(" or "))
                + "; found " + found + ". Move the file out of the input prefix, or set " + key + ".format.");
    }

    /** An input mixes files of two formats the job reads. */
    public static SparkJobsException mixedInputFileFormats(String key, Map<String, String> exampleFileByFormat, Map<String, Collection<String>> columnsByFormat)
    {
        return usage("Cannot read input " + key + ": it mixes " + exampleFileByFormat.entrySet().stream()
                .map(format -> format.getKey() + " files (e.g. " + format.getValue() + ", with columns " + String.join(", ", columnsByFormat.get(format.getKey())) + ")")
                .collect(Collectors.joining(" and "))
                + ". Point " + key + " at a prefix holding one of them and run the job once per format.");
    }

    /** Values of a job's keys that cannot go together. */
    public static SparkJobsException inconsistentSettings(String job, List<String> problems)
    {
        return usage("Cannot run " + job + ": its configuration contradicts itself: " + String.join("; ", problems)
                + ". Fix these keys (see 'spark-jobs describe " + job + "').");
    }

    public static SparkJobsException interruptedWhile(String what, Throwable cause)
    {
        return failure("Cannot finish the run: it was interrupted while " + what + ". Nothing more was published; re-run the date.", cause);
    }

    public static SparkJobsException interruptedWhileCommitting(String restored, Throwable cause)
    {
        return failure("Cannot finish the run: it was interrupted while committing its tables. " + restored + " Re-run the date.", cause);
    }

    /** A failure with no message of its own (a checked exception thrown undeclared by Scala code, say). */
    public static SparkJobsException runFailed(Throwable cause)
    {
        return failure("The run failed: " + LakeFailures.describe(cause), cause);
    }

    private static SparkJobsException usage(String message)
    {
        return new SparkJobsException(ExitCode.USAGE, message, null);
    }

    public static SparkJobsException tableNotFound(String path)
    {
        return usage("Cannot read table: " + path + " is not a Delta table (no _delta_log). Give the table's folder, e.g. lake/cost_daily.");
    }

    public static SparkJobsException unsupportedScheme(String key, String location, String scheme)
    {
        return usage("Cannot use " + key + " = " + location + ": no Hadoop file system for the scheme '" + scheme + "' is on the class path. "
                + "Use a local path, file:// or s3a://bucket/prefix (s3:// on EMR, where EMRFS serves it), or add the connector's jar and set "
                + "spark.hadoop.fs." + scheme + ".impl.");
    }

    public static SparkJobsException emptyLake(String root)
    {
        return usage("Cannot query the lake: " + root + " holds no Delta table (output.root). Run a job first (bin/spark-jobs demo), "
                + "or point output.root at the lake with --set output.root=DIR or --env NAME.");
    }

    public static SparkJobsException invalidQuery(String sparkMessage, Collection<String> tables)
    {
        return usage("Cannot run the query: " + sparkMessage.strip() + "\nTables of this lake, by name: " + String.join(", ", tables)
                + ". Fix the SQL and run it again; names with characters other than letters, digits and _ go in backquotes.");
    }

    public static SparkJobsException invalidRowLimit(int limit)
    {
        return usage("Cannot run the query: --limit " + limit + " is not a row count. Give a number from 1 up, or --format csv|json --out FILE for every row.");
    }

    public static SparkJobsException noReport(String job, Collection<String> jobsWithReports)
    {
        return usage("Cannot write a report: job " + job + " has none. Jobs with a report: " + String.join(", ", jobsWithReports) + ".");
    }

    public static SparkJobsException incompleteOutputOptions(String given, String missing)
    {
        return usage("Cannot write the result: " + given + " needs " + missing + ". Give both --format csv|json and --out FILE, or neither to print the rows.");
    }

    public static SparkJobsException noLedger(String path)
    {
        return usage("Cannot list runs: there is no run ledger at " + path + " (no run has written this lake yet). "
                + "Run a job first, or point output.root at the lake with --set output.root=DIR or --env NAME.");
    }

    public static SparkJobsException notAQuery(String statement)
    {
        return usage("Cannot run the statement: sql only reads the lake, and " + statement + " would change it or the session. "
                + "Use SELECT (or WITH, SHOW, DESCRIBE, EXPLAIN); jobs change tables through spark-jobs run.");
    }

    public static SparkJobsException invalidRunStatus(String status, Collection<String> known)
    {
        return usage("Cannot list runs: --status " + status + " is not a run status. Use one of " + String.join(", ", known) + ".");
    }

    // ---- data quality: exit 3

    public static SparkJobsException checksFailed(String job, String report)
    {
        return new SparkJobsException(ExitCode.CHECK_FAILED, "Data-quality checks failed for job " + job
                + "; nothing was published:\n" + report
                + "\nFix the input data (or the job), then re-run the same date.", null);
    }

    public static SparkJobsException tooManyRejects(String job, String key, long rejected, long total, double maxFraction)
    {
        return new SparkJobsException(ExitCode.CHECK_FAILED, String.format(java.util.Locale.ROOT,
                "Too many rejected rows for job %s: %d of %d (%.4f%%) exceed rejects.max-fraction = %s; nothing was published. "
                        + "Inspect the rejects reported above, fix the input %s, or raise rejects.max-fraction.",
                job, rejected, total, total == 0 ? 0.0 : 100.0 * rejected / total, maxFraction, key), null);
    }

    // ---- anything else: exit 1

    public static SparkJobsException outputSchemaMismatch(String job, String table, List<String> problems)
    {
        return failure("Cannot publish table " + table + " of job " + job + ": the job's result does not match the declared schema:\n"
                + problems.stream().map(problem -> "  - " + problem).collect(Collectors.joining("\n"))
                + "\nThis is a bug in the job: its run() must return the declared columns.", null);
    }

    public static SparkJobsException undeclaredOutput(String job, Collection<String> unexpected, Collection<String> declared)
    {
        return failure("Job " + job + " returned table(s) " + String.join(", ", unexpected) + " that it does not declare (declared: "
                + String.join(", ", declared) + "). This is a bug in the job.", null);
    }

    public static SparkJobsException tableSchemaChanged(String table, String path, List<String> problems)
    {
        return failure("Cannot publish table " + table + ": the table at " + path + " no longer has the declared schema:\n"
                + problems.stream().map(problem -> "  - " + problem).collect(Collectors.joining("\n"))
                + "\nSomething else changed the table. Restore it (RESTORE TABLE delta.`" + path + "` TO VERSION AS OF <n>) "
                + "or migrate it to the declared schema ('spark-jobs describe' lists it), then re-run.", null);
    }

    public static SparkJobsException lakeNotWritable(String ledgerPath, Throwable cause)
    {
        return failure("Cannot start the run: writing the run ledger " + ledgerPath + " failed: " + LakeFailures.describe(cause) + ". "
                + LakeFailures.hint(cause) + " Nothing was published.", cause);
    }

    public static SparkJobsException ledgerNotReadable(String ledgerPath, Throwable cause)
    {
        return failure("Cannot tell which partitions changed: reading the run ledger " + ledgerPath + " failed: " + LakeFailures.describe(cause) + ". "
                + LakeFailures.hint(cause) + " Nothing was published.", cause);
    }

    /** Another run of the same job and date committed a table first: this run publishes nothing. */
    public static SparkJobsException superseded(String job, String date, String table, String path, String rivalRunId, String restored)
    {
        return new SparkJobsException(ExitCode.SUPERSEDED, "Cannot publish table " + table + " (" + path + "): another run of " + job + " for " + date
                + ", " + rivalRunId + ", committed it first, while this run was publishing. Two runs of one job and date ran at once "
                + "(an Airflow retry next to an attempt that was still running, or a manual re-run), and only one may publish the date: "
                + "the one that started first. "
                + "This run publishes nothing: " + restored + " It is safe to re-run the date: a run replaces the date's data, it never duplicates it.", null);
    }

    public static SparkJobsException publishFailed(String table, String path, String restored, Throwable cause)
    {
        String problem = cause instanceof SparkJobsException known
                ? known.getMessage() + "\n"
                : "Cannot publish table " + table + " at " + path + ": " + LakeFailures.describe(cause) + ". " + LakeFailures.hint(cause) + " ";
        return failure(problem + restored
                + " Re-run the same date once the cause is fixed: the run replaces its partitions, it never duplicates them.", cause);
    }

    private static SparkJobsException failure(String message, Throwable cause)
    {
        return new SparkJobsException(ExitCode.FAILURE, message, cause);
    }

    public static String rootMessage(Throwable throwable)
    {
        Throwable root = throwable;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return message.lines().findFirst().orElse(message);
    }
}
