package dev.sparkjobs.internal.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The botocore model of emr-containers 2020-10-01, copied into the test resources (see deploy/README.md there). */
final class EmrContainersModel
{
    static final String RESOURCE = "/deploy/emr-containers-2020-10-01-service-2.json";
    static final ServiceModel MODEL = load();

    private EmrContainersModel() {}

    static JsonNode rawJson()
    {
        try (InputStream in = EmrContainersModel.class.getResourceAsStream(RESOURCE)) {
            return new ObjectMapper().readTree(in);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ServiceModel load()
    {
        try (InputStream in = EmrContainersModel.class.getResourceAsStream(RESOURCE)) {
            return ServiceModel.parse(in);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
