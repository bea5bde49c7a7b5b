Console.WriteLine(TextureBias.Probe.Run());
