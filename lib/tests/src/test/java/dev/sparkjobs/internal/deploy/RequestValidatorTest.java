package dev.sparkjobs.internal.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The validator against hand-written StartJobRun requests, valid and broken one way each. */
class RequestValidatorTest
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final RequestValidator VALIDATOR = new RequestValidator(EmrContainersModel.MODEL);

    // written from the StartJobRun documentation, not from the renderer's output
    private static final String VALID = """
            {
              "name": "cost-analysis-2024-09-30",
              "virtualClusterId": "abcdef0123456789abcdef012",
              "executionRoleArn": "arn:aws:iam::111122223333:role/spark-jobs-dev-execution",
              "releaseLabel": "emr-7.12.0-latest",
              "clientToken": "cost-analysis-2024-09-30",
              "jobDriver": {
                "sparkSubmitJobDriver": {
                  "entryPoint": "local:///opt/app.jar",
                  "entryPointArguments": ["run", "cost-analysis", "--date", "2024-09-30"],
                  "sparkSubmitParameters": "--class dev.sparkjobs.cli.Main"
                }
              },
              "configurationOverrides": {
                "applicationConfiguration": [
                  {"classification": "spark-defaults", "properties": {"spark.dynamicAllocation.enabled": "true"}}
                ],
                "monitoringConfiguration": {
                  "persistentAppUI": "ENABLED",
                  "cloudWatchMonitoringConfiguration": {"logGroupName": "/emr-on-eks/dev", "logStreamNamePrefix": "cost-analysis"},
                  "s3MonitoringConfiguration": {"logUri": "s3://logs/emr/"}
                }
              },
              "retryPolicyConfiguration": {"maxAttempts": 2},
              "tags": {"job": "cost-analysis", "date": "2024-09-30"}
            }
            """;

    @Test
    void everyPatternOfTheModelCompilesAsJava()
    {
        long shapesWithPattern = 0;
        for (JsonNode shape : EmrContainersModel.rawJson().get("shapes")) {
            if (shape.has("pattern")) {
                shapesWithPattern++;
            }
        }
        assertThat(shapesWithPattern).as("shapes with a pattern in the model file (python3: sum of 'pattern' in shapes)").isEqualTo(40);
        assertThat(EmrContainersModel.MODEL.patternCount()).as("compiled patterns").isEqualTo(40);
        assertThat(EmrContainersModel.MODEL.inputShapeOf("StartJobRun")).isEqualTo("StartJobRunRequest");
    }

    @Test
    void aDocumentedRequestIsValid()
    {
        assertThat(VALIDATOR.validate("StartJobRun", parse(VALID))).as("violations of a valid request").isEmpty();
    }

    @Test
    void missingRequiredMembersAreNamedWithTheirPath()
    {
        assertThat(violations(request -> {
            request.remove("clientToken");
            ((ObjectNode) request.at("/jobDriver/sparkSubmitJobDriver")).remove("entryPoint");
            ((ObjectNode) request.at("/configurationOverrides/applicationConfiguration/0")).remove("classification");
        })).containsExactlyInAnyOrder(
                "clientToken: required member is missing",
                "jobDriver.sparkSubmitJobDriver.entryPoint: required member is missing",
                "configurationOverrides.applicationConfiguration[0].classification: required member is missing");
    }

    @Test
    void unknownMembersAreRejected()
    {
        List<String> problems = violations(request -> ((ObjectNode) request.at("/jobDriver/sparkSubmitJobDriver")).put("mainClass", "x.Main"));
        assertThat(problems).singleElement().asString()
                .startsWith("jobDriver.sparkSubmitJobDriver.mainClass: unknown member; allowed here: entryPoint, entryPointArguments, sparkSubmitParameters");
    }

    @Test
    void wrongTypesAreRejected()
    {
        assertThat(violations(request -> {
            ((ObjectNode) request.get("retryPolicyConfiguration")).put("maxAttempts", "2");
            ((ObjectNode) request.at("/jobDriver/sparkSubmitJobDriver")).put("entryPointArguments", "run cost-analysis");
            ((ObjectNode) request.at("/configurationOverrides/applicationConfiguration/0/properties")).put("spark.executor.cores", 4);
        })).containsExactlyInAnyOrder(
                "retryPolicyConfiguration.maxAttempts: expected a whole number (integer) but got a string (\"2\")",
                "jobDriver.sparkSubmitJobDriver.entryPointArguments: expected a list but got a string (\"run cost-analysis\")",
                "configurationOverrides.applicationConfiguration[0].properties[\"spark.executor.cores\"]: expected a string but got a number (4)");
    }

    @Test
    void enumsLengthsAndPatternsAreChecked()
    {
        assertThat(violations(request -> {
            ((ObjectNode) request.at("/configurationOverrides/monitoringConfiguration")).put("persistentAppUI", "ON");
            request.put("name", "n".repeat(65));
            request.put("virtualClusterId", "ABC-123");
            request.put("executionRoleArn", "arn:aws:iam::111122223333:user/someone");
            ((ObjectNode) request.at("/configurationOverrides/monitoringConfiguration/cloudWatchMonitoringConfiguration")).put("logGroupName", "my logs");
            ((ObjectNode) request.at("/configurationOverrides/applicationConfiguration/0/properties")).put("spark.executor.memory", "");
        })).containsExactlyInAnyOrder(
                "configurationOverrides.monitoringConfiguration.persistentAppUI: 'ON' is not one of ENABLED, DISABLED",
                "name: is 65 characters long, longer than the maximum 64",
                "virtualClusterId: 'ABC-123' does not match the pattern [0-9a-z]+ of ResourceIdString",
                "executionRoleArn: 'arn:aws:iam::111122223333:user/someone' does not match the pattern "
                        + "^arn:(aws[a-zA-Z0-9-]*):iam::(\\d{12})?:(role((\\u002F)|(\\u002F[\\u0021-\\u007F]+\\u002F))[\\w+=,.@-]+)$ of IAMRoleArn",
                "configurationOverrides.monitoringConfiguration.cloudWatchMonitoringConfiguration.logGroupName: 'my logs' does not match the pattern "
                        + "[\\.\\-_/#A-Za-z0-9]+ of LogGroupName",
                "configurationOverrides.applicationConfiguration[0].properties[\"spark.executor.memory\"]: is 0 characters long, shorter than the minimum 1",
                "configurationOverrides.applicationConfiguration[0].properties[\"spark.executor.memory\"]: '' does not match the pattern .*\\S.* of String1024");
    }

    @Test
    void mapAndListSizesAreChecked()
    {
        List<String> problems = violations(request -> {
            ObjectNode tags = (ObjectNode) request.get("tags");
            for (int tag = 0; tag < 51; tag++) {
                tags.put("tag" + tag, "x");
            }
        });
        assertThat(problems).as("53 tags, at most 50 allowed").containsExactly("tags: has 53 entries, more than the maximum 50");
    }

    @Test
    void patternsMatchTheWholeValue()
    {
        // ".*\S.*" without DOTALL: a value spanning lines has no whole match, so it is rejected
        assertThat(violations(request -> request.put("clientToken", "a\nb")))
                .containsExactly("clientToken: 'a\nb' does not match the pattern .*\\S.* of ClientToken");
    }

    @Test
    void theUriPatternAcceptsCharactersBeyondTheBasicPlaneAndRejectsControlCharacters()
    {
        // botocore writes the surrogate-pair range as lone surrogates; read literally by Java it would reject U+1F600
        assertThat(violations(request -> ((ObjectNode) request.at("/configurationOverrides/monitoringConfiguration/s3MonitoringConfiguration"))
                .put("logUri", "s3://logs/\uD83D\uDE00/"))).as("an emoji in an S3 URI").isEmpty();
        assertThat(violations(request -> ((ObjectNode) request.at("/configurationOverrides/monitoringConfiguration/s3MonitoringConfiguration"))
                .put("logUri", "s3://logs/\u0001"))).singleElement().asString()
                .startsWith("configurationOverrides.monitoringConfiguration.s3MonitoringConfiguration.logUri: 's3://logs/\u0001' does not match");
        assertThat(ServiceModel.toJavaRegex("[\\u0020-\\uD7FF\\uE000-\\uFFFD\\uD800\\uDBFF-\\uDC00\\uDFFF\\r\\n\\t]*"))
                .isEqualTo("[\\u0020-\\uD7FF\\uE000-\\uFFFD\\x{10000}-\\x{10FFFF}\\r\\n\\t]*");
    }

    @Test
    void theRequestItselfMustBeAnObject()
    {
        assertThat(VALIDATOR.validate("StartJobRun", JSON.createArrayNode()).stream().map(Object::toString).toList())
                .containsExactly("(request): expected an object but got a list ([])");
    }

    private static List<String> violations(Consumer<ObjectNode> breakIt)
    {
        ObjectNode request = (ObjectNode) parse(VALID);
        breakIt.accept(request);
        return VALIDATOR.validate("StartJobRun", request).stream().map(Object::toString).toList();
    }

    private static JsonNode parse(String json)
    {
        try {
            return JSON.readTree(json);
        }
        catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
