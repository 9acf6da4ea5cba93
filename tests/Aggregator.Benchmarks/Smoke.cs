using System.Reflection;
using BenchmarkDotNet.Attributes;

namespace Aggregator.Benchmarks;

/// <summary>Runs every [Benchmark] method once, with its setups, in this process: a check that they work, not a measurement.</summary>
public static class Smoke
{
    public static int Run(Assembly assembly)
    {
        var count = 0;
        foreach (var type in assembly.GetTypes().Where(t => t.GetMethods().Any(m => m.GetCustomAttribute<BenchmarkAttribute>() is not null)))
        {
            var instance = Activator.CreateInstance(type)!;
            Invoke<GlobalSetupAttribute>(instance);
            foreach (var method in type.GetMethods().Where(m => m.GetCustomAttribute<BenchmarkAttribute>() is not null))
            {
                Invoke<IterationSetupAttribute>(instance);
                if (method.Invoke(instance, null) is Task task)
                {
                    task.GetAwaiter().GetResult();
                }

                Console.WriteLine($"smoke: {type.Name}.{method.Name} ran");
                count++;
            }

            Invoke<GlobalCleanupAttribute>(instance);
        }

        Console.WriteLine($"smoke: {count} benchmarks ran");
        return count > 0 ? 0 : 1;
    }

    private static void Invoke<TAttribute>(object instance)
        where TAttribute : Attribute
    {
        foreach (var setup in instance.GetType().GetMethods().Where(m => m.GetCustomAttribute<TAttribute>() is not null))
        {
            if (setup.Invoke(instance, null) is Task task)
            {
                task.GetAwaiter().GetResult();
            }
        }
    }
}
