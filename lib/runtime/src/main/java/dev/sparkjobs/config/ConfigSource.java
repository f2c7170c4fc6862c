package dev.sparkjobs.config;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.jar.JarFile;
import java.util.stream.Stream;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;

import dev.sparkjobs.errors.Errors;

/**
 * Where the {@code conf/} tree is read from: a folder ({@code SPARK_JOBS_CONF_DIR}, the system
 * property {@code spark-jobs.conf.dir}, or {@code ./conf}) or, when none exists, the copy inside
 * the application jar.
 */
public sealed interface ConfigSource
        permits ConfigSource.Directory, ConfigSource.Classpath
{
    String ENVIRONMENT_VARIABLE = "SPARK_JOBS_CONF_DIR";
    String SYSTEM_PROPERTY = "spark-jobs.conf.dir";

    /** Parses a HOCON file of the tree, resolving {@code ${?ENV_VAR}} substitutions; empty when it does not exist. */
    Optional<Config> read(String relativePath);

    /** Names of the {@code .conf} files in a folder of the tree, without the extension. */
    List<String> list(String relativeFolder);

    String describe();

    static ConfigSource locate()
    {
        String configured = Optional.ofNullable(System.getProperty(SYSTEM_PROPERTY)).orElse(System.getenv(ENVIRONMENT_VARIABLE));
        if (configured != null && !configured.isBlank()) {
            Path folder = Path.of(configured);
            if (!Files.isDirectory(folder)) {
                throw Errors.confDirNotAFolder(ENVIRONMENT_VARIABLE, SYSTEM_PROPERTY, configured);
            }
            return new Directory(folder);
        }
        Path local = Path.of("conf");
        if (Files.isRegularFile(local.resolve("application.conf"))) {
            return new Directory(local);
        }
        return new Classpath(ConfigSource.class.getClassLoader());
    }

    static Config parse(String where, java.util.function.Supplier<Config> parser)
    {
        try {
            return parser.get().resolve();
        }
        catch (ConfigException e) {
            throw Errors.unreadableConfigFile(where, e);
        }
    }

    record Directory(Path folder)
            implements ConfigSource
    {
        public Directory
        {
            requireNonNull(folder, "folder is null");
        }

        @Override
        public Optional<Config> read(String relativePath)
        {
            Path file = folder.resolve(relativePath);
            if (!Files.isRegularFile(file)) {
                return Optional.empty();
            }
            return Optional.of(parse(file.toString(), () -> ConfigFactory.parseFile(file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false))));
        }

        @Override
        public List<String> list(String relativeFolder)
        {
            Path path = folder.resolve(relativeFolder);
            if (!Files.isDirectory(path)) {
                return List.of();
            }
            try (Stream<Path> files = Files.list(path)) {
                return files.map(file -> file.getFileName().toString())
                        .filter(name -> name.endsWith(".conf"))
                        .map(name -> name.substring(0, name.length() - ".conf".length()))
                        .sorted()
                        .toList();
            }
            catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public String describe()
        {
            return folder.toAbsolutePath().normalize().toString();
        }
    }

    record Classpath(ClassLoader classLoader)
            implements ConfigSource
    {
        private static final String ROOT = "conf/";

        public Classpath
        {
            requireNonNull(classLoader, "classLoader is null");
        }

        @Override
        public Optional<Config> read(String relativePath)
        {
            String resource = ROOT + relativePath;
            if (classLoader.getResource(resource) == null) {
                return Optional.empty();
            }
            return Optional.of(parse("classpath:" + resource, () -> ConfigFactory.parseResources(classLoader, resource)));
        }

        @Override
        public List<String> list(String relativeFolder)
        {
            String prefix = ROOT + relativeFolder + "/";
            URL url = classLoader.getResource(prefix);
            if (url == null) {
                return List.of();
            }
            List<String> names = new ArrayList<>();
            try {
                if (url.getProtocol().equals("jar")) {
                    JarFile jar = ((JarURLConnection) url.openConnection()).getJarFile();
                    jar.stream()
                            .map(entry -> entry.getName())
                            .filter(name -> name.startsWith(prefix) && name.endsWith(".conf") && name.indexOf('/', prefix.length()) < 0)
                            .forEach(name -> names.add(name.substring(prefix.length(), name.length() - ".conf".length())));
                }
                else if (url.getProtocol().equals("file")) {
                    return new Directory(Path.of(url.toURI())).list(".");
                }
            }
            catch (IOException | java.net.URISyntaxException e) {
                return List.of();
            }
            Collections.sort(names);
            return names;
        }

        @Override
        public String describe()
        {
            return "the application jar (classpath conf/)";
        }
    }
}
