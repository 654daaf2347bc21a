using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.Serialization;

namespace MonitorGrid.Tests.Deployment;

/// <summary>
/// Reads Kubernetes manifests and renders a kustomization the way <c>kubectl kustomize</c> does, for the subset
/// of kustomize the repository's <c>k8s/</c> uses: <c>resources</c> (files and other kustomizations),
/// <c>namespace</c>, <c>images</c> and strategic-merge <c>patches</c> from files. A field it does not know fails
/// the rendering, so a manifest change that needs more is noticed instead of silently ignored. (CI machines
/// have no kubectl; on one that has, <c>kubectl kustomize k8s/overlays/dev</c> gives the same objects.)
/// </summary>
internal static class Kustomize
{
    private static readonly HashSet<string> KnownFields = ["apiVersion", "kind", "resources", "namespace", "patches", "images"];

    private static readonly IDeserializer Deserializer = new DeserializerBuilder().Build();

    /// <summary>Every YAML document of <paramref name="file"/>, as maps, lists and strings.</summary>
    public static List<Map> Documents(string file)
    {
        using var reader = new StreamReader(file);
        var parser = new Parser(reader);
        parser.Consume<StreamStart>();
        var documents = new List<Map>();
        while (parser.Accept<DocumentStart>(out _))
        {
            if (Deserializer.Deserialize<object?>(parser) is { } document)
            {
                documents.Add(Map.From(document, $"{file}: a document"));
            }
        }

        return documents;
    }

    /// <summary>The objects the kustomization in <paramref name="directory"/> produces.</summary>
    public static List<Map> Render(string directory)
    {
        var kustomization = Documents(Path.Combine(directory, "kustomization.yaml")).Single();
        var unknown = kustomization.Keys.Except(KnownFields).ToList();
        if (unknown.Count > 0)
        {
            throw new NotSupportedException($"{directory}/kustomization.yaml uses {string.Join(", ", unknown)}, which this renderer does not know.");
        }

        var objects = new List<Map>();
        foreach (var resource in kustomization.List("resources").Select(r => (string)r!))
        {
            var path = Path.GetFullPath(Path.Combine(directory, resource));
            objects.AddRange(Directory.Exists(path) ? Render(path) : Documents(path));
        }

        foreach (var patch in kustomization.List("patches").Select(p => Map.From(p, "a patch")))
        {
            if (patch.Keys.Except(["path"]).Any())
            {
                throw new NotSupportedException($"{directory}: only patches given by path are supported.");
            }

            foreach (var document in Documents(Path.Combine(directory, patch.Text("path"))))
            {
                var target = objects.SingleOrDefault(o => o.Text("kind") == document.Text("kind") && o.Name == document.Name)
                    ?? throw new InvalidOperationException($"{directory}: the patch for {document.Text("kind")} {document.Name} matches no object.");
                target.MergeFrom(document);
            }
        }

        foreach (var image in kustomization.List("images").Select(i => Map.From(i, "an image")))
        {
            foreach (var container in objects.SelectMany(Containers))
            {
                var (name, tag) = SplitImage(container.Text("image"));
                if (name == image.Text("name"))
                {
                    container["image"] = (image.TextOrNull("newName") ?? name) + ":" + (image.TextOrNull("newTag") ?? tag);
                }
            }
        }

        if (kustomization.TextOrNull("namespace") is { } ns)
        {
            foreach (var o in objects)
            {
                o.Child("metadata")["namespace"] = ns;
            }
        }

        return objects;
    }

    /// <summary>The containers of a workload (Deployment, StatefulSet, Job), init containers included.</summary>
    public static IEnumerable<Map> Containers(Map workload) =>
        workload.Text("kind") is "Deployment" or "StatefulSet" or "Job"
            ? PodSpec(workload).List("containers").Concat(PodSpec(workload).List("initContainers")).Select(c => Map.From(c, "a container"))
            : [];

    public static Map PodSpec(Map workload) => workload.Child("spec").Child("template").Child("spec");

    /// <summary>An image reference without its tag, and the tag (null when none).</summary>
    public static (string Name, string? Tag) SplitImage(string image)
    {
        var slash = image.LastIndexOf('/');
        var colon = image.LastIndexOf(':');
        return colon > slash ? (image[..colon], image[(colon + 1)..]) : (image, null);
    }
}

/// <summary>A YAML mapping with string keys, values being maps, lists or strings (YAML scalars stay text).</summary>
internal sealed class Map : Dictionary<string, object?>
{
    public string Name => Child("metadata").Text("name");

    /// <summary>A parsed mapping (converted from YamlDotNet's object keys, recursively).</summary>
    public static Map From(object? value, string what) => value switch
    {
        Map map => map,
        IDictionary<object, object?> raw => Convert(raw),
        _ => throw new InvalidOperationException($"{what} is not a mapping."),
    };

    public Map Child(string key) => ChildOrNull(key) ?? throw new KeyNotFoundException($"'{key}' is missing.");

    public Map? ChildOrNull(string key) => TryGetValue(key, out var value) ? value as Map : null;

    public List<object?> List(string key) => TryGetValue(key, out var value) && value is List<object?> list ? list : [];

    public string Text(string key) => TextOrNull(key) ?? throw new KeyNotFoundException($"'{key}' is missing.");

    public string? TextOrNull(string key) => TryGetValue(key, out var value) ? value as string : null;

    /// <summary>A strategic merge: maps merge key by key; lists of named maps merge item by name; other lists are replaced.</summary>
    public void MergeFrom(Map patch)
    {
        foreach (var (key, value) in patch)
        {
            if (value is Map part && TryGetValue(key, out var mine) && mine is Map whole)
            {
                whole.MergeFrom(part);
            }
            else if (value is List<object?> items && TryGetValue(key, out var existing) && existing is List<object?> current
                && items.All(i => i is Map m && m.ContainsKey("name")))
            {
                foreach (var item in items.Cast<Map>())
                {
                    if (current.OfType<Map>().FirstOrDefault(c => c.TextOrNull("name") == item.Text("name")) is { } same)
                    {
                        same.MergeFrom(item);
                    }
                    else
                    {
                        current.Add(item);
                    }
                }
            }
            else
            {
                this[key] = value;
            }
        }
    }

    private static Map Convert(IDictionary<object, object?> raw)
    {
        var map = new Map();
        foreach (var (key, value) in raw)
        {
            map[(string)key] = value switch
            {
                IDictionary<object, object?> child => Convert(child),
                List<object?> list => list.Select(i => i is IDictionary<object, object?> d ? Convert(d) : i).ToList(),
                _ => value,
            };
        }

        return map;
    }
}
