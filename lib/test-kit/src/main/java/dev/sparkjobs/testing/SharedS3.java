package dev.sparkjobs.testing;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * One {@link S3Proxy} per test JVM, started on first use and stopped by JUnit's root store. One
 * endpoint per JVM matters: Hadoop caches S3A file systems per bucket, so every test uses its own
 * bucket on the same server.
 */
public final class SharedS3
        implements ParameterResolver
{
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SharedS3.class);

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext)
    {
        return parameterContext.getParameter().getType() == S3Proxy.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext)
    {
        return extensionContext.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent("s3proxy", key -> new Holder(S3Proxy.start()), Holder.class).proxy;
    }

    private record Holder(S3Proxy proxy)
            implements ExtensionContext.Store.CloseableResource
    {
        @Override
        public void close()
        {
            proxy.close();
        }
    }
}
