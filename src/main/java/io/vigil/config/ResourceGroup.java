package io.vigil.config;

import java.util.List;

/**
 * One logical haresources line: resources started left to right, stopped right to left, on one node.
 *
 * @param key           the group's name: the first resource token as written (unique in the file)
 * @param preferredNode first column, lower-cased
 * @param resources     in start order
 * @param line          line number (first physical line of the logical line) in haresources
 */
public record ResourceGroup(String key, String preferredNode, List<ResourceSpec> resources, int line) {
    public ResourceGroup {
        resources = List.copyOf(resources);
    }
}
