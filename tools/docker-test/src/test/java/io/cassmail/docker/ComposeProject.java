package io.cassmail.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.ContainerPort;
import io.cassmail.testing.ExternalCommand;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.testcontainers.DockerClientFactory;

/**
 * docker/compose.yaml plus the local-images override under a project name of its own, driven with the
 * docker-compose CLI (the user's command; Testcontainers' compose support wants Compose v2 or a pulled image);
 * containers are found, killed and started through Testcontainers' Docker client.
 */
final class ComposeProject implements AutoCloseable {
    private final Path repo;
    private final String name;
    private final Map<String, String> env;
    private final DockerClient docker = DockerClientFactory.instance().client();

    ComposeProject(Path repo, String name, Map<String, String> env) {
        this.repo = repo;
        this.name = name;
        this.env = env;
    }

    /** Runs {@code docker-compose ARGS} and returns what it printed; fails when it exits non-zero. */
    String run(int timeoutSeconds, String stdin, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("docker-compose", "-p", name,
                "-f", repo.resolve("docker/compose.yaml").toString(),
                "-f", repo.resolve("docker/local/compose.local.yaml").toString()));
        cmd.addAll(List.of(args));
        ExternalCommand.Result r = ExternalCommand.run(cmd, env, stdin, timeoutSeconds);
        if (r.exit() != 0) {
            throw new IOException("docker-compose " + String.join(" ", args) + " exited " + r.exit() + ":\n" + r.output());
        }
        return r.output();
    }

    /** The containers of one service, running or not, in replica order. */
    List<Container> containers(String service) {
        return docker.listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of("com.docker.compose.project", name, "com.docker.compose.service", service))
                .exec().stream()
                .sorted(Comparator.comparing(c -> c.getLabels().getOrDefault("com.docker.compose.container-number", "")))
                .toList();
    }

    /** The host port Docker published for a container's port. */
    static int publishedPort(Container c, int containerPort) {
        for (ContainerPort p : c.getPorts()) {
            if (p.getPrivatePort() != null && p.getPrivatePort() == containerPort && p.getPublicPort() != null) {
                return p.getPublicPort();
            }
        }
        throw new IllegalStateException("container " + c.getNames()[0] + " publishes no port for " + containerPort);
    }

    void kill(Container c) {
        docker.killContainerCmd(c.getId()).withSignal("SIGKILL").exec();
    }

    void start(Container c) {
        if (!Boolean.TRUE.equals(docker.inspectContainerCmd(c.getId()).exec().getState().getRunning())) {
            docker.startContainerCmd(c.getId()).exec();
        }
    }

    /** "healthy", "unhealthy", "starting", or the state when the container is not running. */
    String health(Container c) {
        var state = docker.inspectContainerCmd(c.getId()).exec().getState();
        if (!Boolean.TRUE.equals(state.getRunning())) {
            return state.getStatus();
        }
        return state.getHealth() == null ? "running" : state.getHealth().getStatus();
    }

    /** Stops and removes the containers, the network and the volumes this project made. */
    @Override
    public void close() throws IOException, InterruptedException {
        run(300, null, "down", "--volumes", "--remove-orphans", "--timeout", "20");
    }
}
