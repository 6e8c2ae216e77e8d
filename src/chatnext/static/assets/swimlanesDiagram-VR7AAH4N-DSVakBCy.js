import{c as r,s as e}from"./flowDiagram-HODETNUW-3cjkR_Jl.js";import{_ as a}from"./mermaid.core-CuVxt6j3.js";import"./chunk-5VM5RSS4-DMg67r0Z.js";import"./chunk-XXDRQBXY-4OM1JQoX.js";import"./chunk-POPQ4Y6H-6hmbuk5Q.js";import"./chunk-F27PBJKO-BQyLEPgs.js";import"./index-jypSu-qF.js";import"./channel-DnAqfF-p.js";import"./_commonjsHelpers-CqkleIqs.js";var o=a(t=>`${e(t)}
  .swimlane.cluster rect {
    stroke: ${t.clusterBorder} !important;
  }
  [data-look="neo"].cluster rect {
    filter: none;
  }
`,"getStyles"),m=o,y=r({defaultLayout:"swimlane",styles:m});export{y as diagram};
